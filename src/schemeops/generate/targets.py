"""The optional targets table: an MBO target per seller and a monthly value target."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from schemeops.generate import columns as col
from schemeops.generate.network import Network

PROGRAMS = (("mbo_targets", "billed_outlets"), ("volume_targets", "net_value"))


def make_targets(network: Network, monthly_value: np.ndarray,
                 override: dict[int, int] | None = None) -> pa.Table:
    """Per seller: billed outlets = 60% of its outlets; net value = 110% of its monthly mean,
    or for a slab-bunching seller (`override`: seller -> rupees) 110% of its natural mean."""
    s = network.sellers
    outlets = np.maximum(1, np.ceil(network.n_outlets * 0.6)).astype(np.int64)
    rupees = np.maximum(1000, np.round(monthly_value.mean(axis=1) * 1.1 / 100 / 1000) * 1000)
    for seller, target in (override or {}).items():  # one per planted case
        rupees[seller] = target
    program = np.repeat([0, 1], s)
    return pa.table({
        "program_id": col.choose([p for p, _ in PROGRAMS], program),
        "participant_id": pa.concat_arrays([network.ids, network.ids]),
        "kpi": col.choose([k for _, k in PROGRAMS], program),
        "target": col.quantity(np.concatenate([outlets, rupees.astype(np.int64)])),
    })
