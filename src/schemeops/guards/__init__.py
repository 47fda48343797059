"""Guards against over-discounting: stacking, the effective discount cap, the margin floor
and budget burn, computed on the warehouse as Ibis expressions (docs/guards.md)."""

from schemeops.guards.limits import DEFAULTS, Limits, limits_for
from schemeops.guards.run import evaluate
from schemeops.guards.verdict import Level, Verdict, blocking, worst

__all__ = ["DEFAULTS", "Level", "Limits", "Verdict", "blocking", "evaluate", "limits_for",
           "worst"]
