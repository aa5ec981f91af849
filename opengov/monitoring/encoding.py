"""JSON and CSV bodies for readings: raw rows streamed in chunks, nothing held whole; aggregate
buckets (bounded: one per hour, day or month) written in one vectorised pass per series."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import orjson

from opengov.monitoring.catalogue import PARAMETERS
from opengov.monitoring.queries import Buckets

RAW_COLUMNS = ("station", "parameter", "time", "value", "unit", "flag")
AGG_COLUMNS = ("station", "parameter", "time", "value", "unit", "count")


def iso_times(epochs: list[int]) -> list[str]:
    """Epoch seconds → ISO 8601 UTC strings, vectorised (one numpy call per batch)."""
    text = np.array(epochs, dtype="datetime64[s]").astype(str)
    return [t + "Z" for t in text.tolist()]


def _unit(code: str) -> str:
    p = PARAMETERS.get(code)
    return p.unit if p else ""


def records(batch: list[tuple]) -> list[dict]:
    """JSON objects of a batch of (station, parameter, time, value, flag) rows."""
    times = iso_times([r[2] for r in batch])
    return [{"station": r[0], "parameter": r[1], "time": t, "value": r[3],
             "unit": _unit(r[1]), "flag": r[4]} for r, t in zip(batch, times, strict=True)]


def json_stream(head: dict, batches: Iterable[list[tuple]],
                tail: dict | None = None) -> Iterator[bytes]:
    """``{…head, "results": [ … ], …tail}`` written batch by batch."""
    yield orjson.dumps(head)[:-1] + b',"results":['
    first = True
    for batch in batches:
        if not batch:
            continue
        body = orjson.dumps(records(batch))[1:-1]
        yield body if first else b"," + body
        first = False
    yield b"]" + (b"," + orjson.dumps(tail)[1:] if tail else b"}")


def _cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_stream(batches: Iterable[list[tuple]]) -> Iterator[bytes]:
    """RFC 4180 CSV (UTF-8, CRLF), a batch of rows per chunk."""
    yield (",".join(RAW_COLUMNS) + "\r\n").encode()
    for batch in batches:
        if not batch:
            continue
        times = iso_times([r[2] for r in batch])
        yield "".join(f"{_cell(r[0])},{r[1]},{t},{r[3]!r},{_unit(r[1])},{r[4]}\r\n"
                      for r, t in zip(batch, times, strict=True)).encode()


AGGREGATES = {"avg": "mean", "min": "low", "max": "high", "count": "count"}


def _numbers(values: np.ndarray) -> list[bytes]:
    """Each number as JSON text, from one ``orjson.dumps`` of the whole array."""
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")


def _bucket_columns(b: Buckets, agg: str) -> zip:
    """(ISO time without the ``Z``, value of ``agg`` rounded to 4 decimals, count) as bytes."""
    times = b.time.astype("datetime64[s]").astype("S19").tolist()
    values = b.count if agg == "count" else np.round(getattr(b, AGGREGATES[agg]), 4)
    counts = _numbers(b.count)
    return zip(times, counts if agg == "count" else _numbers(values), counts, strict=True)


def buckets_json(head: dict, series: list[Buckets], agg: str) -> bytes:
    """``{…head, "results": [{station, parameter, time, value, unit, count}, …]}``.

    Per series the constant text is encoded once and filled in per row, times and numbers
    come from whole-array conversions: a station-year of hours is a few list operations.
    """
    parts = []
    for b in series:
        row = (b'{"station":' + _json_text(b.station) + b',"parameter":'
               + _json_text(b.parameter) + b',"time":"%bZ","value":%b,"unit":'
               + _json_text(_unit(b.parameter)) + b',"count":%b}')
        parts += [row % cells for cells in _bucket_columns(b, agg)]
    return orjson.dumps(head)[:-1] + b',"results":[' + b",".join(parts) + b"]}"


def buckets_csv(series: list[Buckets], agg: str) -> bytes:
    """RFC 4180 CSV of aggregate buckets: station,parameter,time,value,unit,count."""
    lines = [(",".join(AGG_COLUMNS) + "\r\n").encode()]
    for b in series:
        row = (f"{_cell(b.station)},{_cell(b.parameter)},".encode().replace(b"%", b"%%")
               + b"%bZ,%b," + _unit(b.parameter).encode().replace(b"%", b"%%") + b",%b\r\n")
        lines += [row % cells for cells in _bucket_columns(b, agg)]
    return b"".join(lines)


def _json_text(value: str) -> bytes:
    """A JSON string literal, safe inside a ``%``-template."""
    return orjson.dumps(value).replace(b"%", b"%%")
