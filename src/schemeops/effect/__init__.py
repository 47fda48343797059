"""Is a scheme worth it: baselines, lift, ROI and dependency (`schemeops effect`)."""
