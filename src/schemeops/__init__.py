"""schemeops: design, simulate, run, pay and audit channel incentive programs."""

__version__ = "0.1.0"
