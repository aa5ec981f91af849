"""The dashboard's SVG geometry: horizontal bars and stacked columns with legible month ticks."""

from __future__ import annotations

import math

CHANNEL_COLOURS = {"in_person": "#4e79a7", "online": "#59a14f", "postal": "#f28e2b"}
LABEL_WIDTH = 300     # room for an agency's name left of its bar
LABEL_CHARS = 46      # longer names are cut with an ellipsis (the full one is in the tooltip)
TICK_GAP = 60         # at least this many pixels between two month labels ("2025-01" is ~48)
TICK_STEPS = (1, 2, 3, 4, 6, 12)  # months between labels: divisors of a year, so labels
#                                   fall on the same months every year (January among them)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def bars(cells: list[dict], key: str, value: str, names: dict | None = None,
         width: int = 760, row: int = 22) -> dict:
    """Horizontal bars of ``value`` (a share, 0–1) per ``key``, labelled with ``names[key]``
    when given (the key itself otherwise), the key kept as ``slug``."""
    shown = [c for c in cells if c.get(value) is not None]
    names = names or {}
    out = []
    for i, c in enumerate(shown):
        slug = str(c[key])
        name = names.get(slug) or slug
        out.append({"label": short(name), "name": name, "slug": slug, "named": name != slug,
                    "y": 5 + i * row, "w": round(c[value] * (width - LABEL_WIDTH - 50), 1),
                    "text": f"{c[value] * 100:.0f}%"})
    return {"height": row * len(shown) + 10, "width": width, "x": LABEL_WIDTH, "bars": out}


def tick_step(months: int, step: float) -> int:
    """Months between two labels so that labels ``step`` pixels per month apart keep
    :data:`TICK_GAP` between them."""
    need = math.ceil(TICK_GAP / step) if step > 0 else 1
    return next((k for k in TICK_STEPS if k >= need), TICK_STEPS[-1]) if months else 1


def columns(cells: list[dict], width: int = 760, height: int = 220) -> dict:
    """Stacked columns of received dossiers per month and channel, a tick under every month,
    a label every :func:`tick_step` months (January included) and a line at each new year."""
    months = sorted({c["month"] for c in cells})
    totals = {m: sum(c["received"] for c in cells if c["month"] == m) for m in months}
    top = max(totals.values(), default=0) or 1
    step = (width - 40) / max(len(months), 1)
    base = height - 30
    every = tick_step(len(months), step)
    out, ticks, years = [], [], []
    for i, month in enumerate(months):
        x = 30 + i * step
        y = base
        for channel in CHANNEL_COLOURS:
            n = sum(c["received"] for c in cells if c["month"] == month and
                    c["channel"] == channel)
            h = round(n / top * (base - 10), 1)
            y -= h
            out.append({"x": round(x, 1), "y": round(y, 1), "w": round(step * 0.8, 1),
                        "h": h, "colour": CHANNEL_COLOURS[channel], "n": n, "month": month,
                        "channel": channel})
        centre = round(x + step * 0.4, 1)
        number = int(month[5:7])
        ticks.append({"x": centre, "month": month,
                      "label": month if (number - 1) % every == 0 else None})
        if number == 1 and i:
            years.append({"x": round(x - step * 0.1, 1), "year": month[:4]})
    return {"width": width, "height": height, "base": base, "every": every,
            "rects": [r for r in out if r["h"] > 0], "ticks": ticks, "years": years}
