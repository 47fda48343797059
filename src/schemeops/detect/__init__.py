"""Leakage and fraud detectors: one Ibis expression per kind of anomaly, findings with their
evidence rows, and the value at risk of each from a counterfactual calculation."""
