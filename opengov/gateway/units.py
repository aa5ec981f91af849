"""Unit conversion for field mapping: linear units within one dimension, plus temperatures.

Factors are to the SI unit of each dimension (BIPM SI Brochure, 9th ed.; the foot, mile and
acre as defined by the 1959 international yard and pound agreement).
"""

from __future__ import annotations

# unit -> (dimension, factor to the SI unit, offset added after scaling)
UNITS: dict[str, tuple[str, float, float]] = {
    "m": ("length", 1.0, 0.0), "km": ("length", 1000.0, 0.0), "cm": ("length", 0.01, 0.0),
    "mm": ("length", 0.001, 0.0), "ft": ("length", 0.3048, 0.0),
    "mi": ("length", 1609.344, 0.0),
    "m2": ("area", 1.0, 0.0), "ha": ("area", 10_000.0, 0.0), "km2": ("area", 1e6, 0.0),
    "acre": ("area", 4046.8564224, 0.0),
    "s": ("time", 1.0, 0.0), "min": ("time", 60.0, 0.0), "h": ("time", 3600.0, 0.0),
    "d": ("time", 86400.0, 0.0), "ms": ("time", 0.001, 0.0),
    "m/s": ("speed", 1.0, 0.0), "km/h": ("speed", 1 / 3.6, 0.0),
    "mph": ("speed", 0.44704, 0.0),
    "ug/m3": ("concentration", 1.0, 0.0), "µg/m3": ("concentration", 1.0, 0.0),
    "µg/m³": ("concentration", 1.0, 0.0), "mg/m3": ("concentration", 1000.0, 0.0),
    "mg/m³": ("concentration", 1000.0, 0.0),
    "degC": ("temperature", 1.0, 273.15), "°C": ("temperature", 1.0, 273.15),
    "K": ("temperature", 1.0, 0.0),
    "degF": ("temperature", 5 / 9, 273.15 - 32 * 5 / 9),
    "°F": ("temperature", 5 / 9, 273.15 - 32 * 5 / 9),
    "%": ("ratio", 0.01, 0.0), "1": ("ratio", 1.0, 0.0),
}


class UnitError(ValueError):
    """Unknown units, or units of different dimensions."""


def converter(source: str, target: str):
    """A function converting a number in ``source`` units to ``target`` units."""
    try:
        dim_a, fa, oa = UNITS[source]
        dim_b, fb, ob = UNITS[target]
    except KeyError as exc:
        raise UnitError(f"unknown unit {exc.args[0]!r} (known: {', '.join(UNITS)})") from None
    if dim_a != dim_b:
        raise UnitError(f"cannot convert {source} ({dim_a}) to {target} ({dim_b})")
    return lambda value: ((value * fa + oa) - ob) / fb
