"""The synthetic network generator: every contract table plus planted anomalies with labels."""

from schemeops.generate.pipeline import generate

__all__ = ["generate"]
