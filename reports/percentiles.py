"""Percentiles in Python, for the embedded SQLite database that has no percentile_cont.

Same definition as PostgreSQL's percentile_cont: sort the values, take the position
fraction × (n − 1) counted from 0, and interpolate linearly between the two values
around it. tests/reports/test_percentiles.py checks it against PostgreSQL on the same data.
"""

import math
from collections.abc import Iterable


def percentile_cont(values: Iterable[float], fraction: float) -> float | None:
    """The interpolated percentile of `values` (None when there are none)."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("A percentile's fraction is between 0 and 1.")
    ordered = sorted(float(v) for v in values if v is not None)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below, above = math.floor(position), math.ceil(position)
    if below == above:
        return ordered[below]
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def percentiles_cont(values: Iterable[float], fractions: tuple[float, ...]) -> list[float] | None:
    """Several percentiles of one group, in the order asked (as PercentileCont returns)."""
    ordered = sorted(float(v) for v in values if v is not None)
    if not ordered:
        return None
    return [percentile_cont(ordered, fraction) for fraction in fractions]  # type: ignore[misc]
