"""Streaming JSON and CSV bodies for readings: rows in, text chunks out, nothing held whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import orjson

from opengov.monitoring.catalogue import PARAMETERS

RAW_COLUMNS = ("station", "parameter", "time", "value", "unit", "flag")
AGG_COLUMNS = ("station", "parameter", "time", "value", "unit", "count")


def iso_times(epochs: list[int]) -> list[str]:
    """Epoch seconds → ISO 8601 UTC strings, vectorised (one numpy call per batch)."""
    text = np.array(epochs, dtype="datetime64[s]").astype(str)
    return [t + "Z" for t in text.tolist()]


def _unit(code: str) -> str:
    p = PARAMETERS.get(code)
    return p.unit if p else ""


def records(batch: list[tuple], aggregated: bool) -> list[dict]:
    """JSON objects of a batch of (station, parameter, time, value, flag|count) rows."""
    times = iso_times([r[2] for r in batch])
    last = "count" if aggregated else "flag"
    return [{"station": r[0], "parameter": r[1], "time": t, "value": r[3],
             "unit": _unit(r[1]), last: r[4]} for r, t in zip(batch, times, strict=True)]


def json_stream(head: dict, batches: Iterable[list[tuple]], aggregated: bool,
                tail: dict | None = None) -> Iterator[bytes]:
    """``{…head, "results": [ … ], …tail}`` written batch by batch."""
    yield orjson.dumps(head)[:-1] + b',"results":['
    first = True
    for batch in batches:
        if not batch:
            continue
        body = orjson.dumps(records(batch, aggregated))[1:-1]
        yield body if first else b"," + body
        first = False
    yield b"]" + (b"," + orjson.dumps(tail)[1:] if tail else b"}")


def _cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_stream(batches: Iterable[list[tuple]], aggregated: bool) -> Iterator[bytes]:
    """RFC 4180 CSV (UTF-8, CRLF), a batch of rows per chunk."""
    yield (",".join(AGG_COLUMNS if aggregated else RAW_COLUMNS) + "\r\n").encode()
    for batch in batches:
        if not batch:
            continue
        times = iso_times([r[2] for r in batch])
        yield "".join(f"{_cell(r[0])},{r[1]},{t},{r[3]!r},{_unit(r[1])},{r[4]}\r\n"
                      for r, t in zip(batch, times, strict=True)).encode()
