"""Figures as the tables print them."""

from __future__ import annotations

import math


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    return f"{a / b:.2f}"


def plural(count: str) -> str:
    """``1 client``, ``4 clients``."""
    return f"{count} client{'s' if count != '1' else ''}"
