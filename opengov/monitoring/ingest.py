"""Ingestion of reading batches (JSON or CSV): vectorised checks, then one bulk write.

Every row is checked before anything is written; a batch with any bad row is refused whole and
the answer lists each bad row with its reasons. Checks run column-wise with numpy/pandas, never a
schema per row, so a 50,000-reading batch costs a few array operations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import select

from opengov.monitoring.catalogue import FLAGS, PARAMETERS
from opengov.monitoring.writer import insert_rows
from opengov.store.repository import Store

MAX_BATCH = 50_000
MAX_LISTED = 1000
FIELDS = ("station", "parameter", "time", "value", "unit", "flag")
REQUIRED = ("station", "parameter", "time", "value")
EARLIEST = pd.Timestamp("1990-01-01", tz="UTC").as_unit("us")
EPOCH = pd.Timestamp(0, tz="UTC").as_unit("us")
FUTURE_SLACK = pd.Timedelta(minutes=10)
UNIT_ALIASES = {"ug/m3": "µg/m³", "μg/m³": "µg/m³", "µg/m3": "µg/m³", "μg/m3": "µg/m³",
                "ug/m³": "µg/m³", "mg/l": "mg/L", "degc": "°C", "c": "°C", "psu": "PSU",
                "-": "1", "": ""}
OFFSET = r"(?:Z|z|[+-]\d{2}:?\d{2})$"


class BatchError(ValueError):
    """The batch cannot be read at all (not JSON/CSV, too large, missing columns)."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status


@dataclass
class Outcome:
    received: int
    inserted: int
    errors: list[dict]
    bad_rows: int = 0
    forbidden: bool = False

    @property
    def duplicates(self) -> int:
        return self.received - self.inserted


def parse_json(body: bytes) -> pd.DataFrame:
    """``{"readings": [...]}`` or a bare array of reading objects → columns of raw values."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BatchError(400, f"The body is not valid JSON: {exc}") from exc
    items = doc.get("readings") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise BatchError(422, 'Send {"readings": [ … ]} or a JSON array of readings.')
    _check_size(len(items))
    is_object = [type(item) is dict for item in items]
    frame = pd.DataFrame([item if ok else {} for item, ok in zip(items, is_object, strict=True)],
                         columns=list(FIELDS))
    # Keep strings (and numbers for values) only; the per-item check runs only when a column
    # holds something else, which pandas' C type inference tells us at once.
    for name in FIELDS:
        column = frame[name]
        kind = pd.api.types.infer_dtype(column, skipna=True)
        if name == "value":
            if kind not in ("floating", "integer", "mixed-integer-float", "empty"):
                column = column.where([type(v) in (int, float) for v in column], np.nan)
            frame[name] = pd.to_numeric(column, errors="coerce").astype(float)
        elif kind not in ("string", "empty"):
            frame[name] = column.where([type(v) is str for v in column], None)
    frame["_object"] = is_object
    return frame


def parse_csv(body: bytes) -> pd.DataFrame:
    """A CSV with a header row: station,parameter,time,value[,unit][,flag]."""
    try:
        frame = pd.read_csv(io.BytesIO(body), dtype=str, keep_default_na=False,
                            encoding="utf-8-sig", skipinitialspace=True)
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise BatchError(400, f"The body is not a readable CSV file: {exc}") from exc
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BatchError(422, f"CSV header lacks column(s): {', '.join(missing)}.")
    _check_size(len(frame))
    for name in ("unit", "flag"):
        if name not in frame.columns:
            frame[name] = ""
    frame["_object"] = True
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


def _check_size(count: int) -> None:
    if count > MAX_BATCH:
        raise BatchError(413, f"A batch holds at most {MAX_BATCH} readings; this one has {count}.")
    if count == 0:
        raise BatchError(422, "The batch holds no readings.")


def _stations(store: Store) -> pd.DataFrame:
    t = store.repo("monitoring-stations").table
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.id, t.c.operator, t.c.parameters)).all()
    return pd.DataFrame([(r[0], r[1], tuple(r[2] or ())) for r in rows],
                        columns=["id", "operator", "parameters"])


def _text(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), None)


def _lookup(keys: pd.Series, table: dict, missing=np.nan) -> np.ndarray:
    """``table[key]`` for every key, vectorised (``missing`` for unknown keys)."""
    index = pd.Index(list(table)).get_indexer(keys)
    values = np.array([*table.values(), missing], dtype=object)
    return values[index]  # index -1 takes the appended ``missing``


def check(store: Store, frame: pd.DataFrame, scope: str | None,
          now: pd.Timestamp) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, str]]]:
    """Normalised columns plus (mask of bad rows, reason) pairs, all computed column-wise."""
    stations = _stations(store)
    station, parameter = _text(frame["station"]), _text(frame["parameter"])
    problems: list[tuple[np.ndarray, str]] = []

    def bad(mask, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append((mask, reason))

    bad(~frame["_object"].to_numpy(dtype=bool), "not a JSON object")
    known = station.isin(stations["id"])
    bad(~known, "unknown station")
    known_parameter = parameter.isin(list(PARAMETERS))
    bad(~known_parameter, "unknown parameter")
    measured = {f"{s}|{p}" for s, ps in zip(stations["id"], stations["parameters"], strict=True)
                for p in ps}
    pairs = station.fillna("") + "|" + parameter.fillna("")
    bad(known & known_parameter & ~pairs.isin(measured), "station does not measure parameter")
    if scope is not None:
        operators = dict(zip(stations["id"], stations["operator"], strict=True))
        bad(known & (_lookup(station, operators, None) != scope),
            f"station is not operated by {scope!r} (your key's scope)")

    expected_unit = _lookup(parameter, {k: p.unit for k, p in PARAMETERS.items()}, None)
    given = _text(frame["unit"]).fillna("")
    normalised = given.to_numpy(dtype=object)
    if (given != "").any():
        alias = _lookup(given.str.lower(), UNIT_ALIASES, None)
        normalised = np.where(pd.isna(alias), normalised, alias)
    bad(known_parameter & (given != "") & (normalised != expected_unit), "wrong unit")

    value = frame["value"].to_numpy(dtype=float)
    finite = np.isfinite(value)
    bad(~finite, "value is not a finite number")
    low = _lookup(parameter, {k: p.low for k, p in PARAMETERS.items()}).astype(float)
    high = _lookup(parameter, {k: p.high for k, p in PARAMETERS.items()}).astype(float)
    with np.errstate(invalid="ignore"):
        bad(finite & known_parameter.to_numpy() & ((value < low) | (value > high)),
            "value outside the parameter's valid range")

    text_time = _text(frame["time"]).fillna("")
    # Microsecond units reach year 294,000, so far-future typos stay comparable (not a crash).
    times = pd.to_datetime(text_time, format="ISO8601", utc=True, errors="coerce").dt.as_unit("us")
    now = now.as_unit("us")
    has_offset = text_time.str.contains(OFFSET, regex=True)
    bad(times.isna() | ~has_offset, "time is not ISO 8601 with a UTC offset")
    ok_time = times.notna() & has_offset
    bad(ok_time & ((times > now + FUTURE_SLACK) | (times < EARLIEST)),
        "time is in the future or before 1990")
    since = times.where(ok_time, EARLIEST) - EPOCH
    epoch = (since // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
    bad(ok_time & (since % pd.Timedelta(seconds=1) != pd.Timedelta(0)),
        "time has fractions of a second")

    flag = _text(frame["flag"]).fillna("").replace("", "valid")
    bad(~flag.isin(FLAGS), f"flag must be one of {', '.join(FLAGS)}")
    keys = pd.DataFrame({"s": station, "p": parameter, "t": epoch})
    bad(keys.duplicated(keep=False).to_numpy() & ok_time.to_numpy(),
        "the same station, parameter and time appear twice in this batch")
    columns = {"station": station.to_numpy(), "parameter": parameter.to_numpy(),
               "time": epoch, "value": value, "flag": flag.to_numpy()}
    return columns, problems


def _errors(problems: list[tuple[np.ndarray, str]], count: int) -> tuple[list[dict], int]:
    any_bad = np.zeros(count, dtype=bool)
    for mask, _ in problems:
        any_bad |= mask
    rows = np.flatnonzero(any_bad)
    listed = []
    for index in rows[:MAX_LISTED]:
        listed.append({"location": "body", "field": f"row {index + 1}",
                       "messages": [reason for mask, reason in problems if mask[index]]})
    return listed, len(rows)


def ingest(store: Store, frame: pd.DataFrame, scope: str | None,
           now: pd.Timestamp | None = None) -> Outcome:
    """Check ``frame``; write it (duplicates skipped) only when every row is good."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    columns, problems = check(store, frame, scope, now)
    count = len(frame)
    if problems:
        listed, bad_rows = _errors(problems, count)
        scoped = scope is not None and all(
            reason.startswith("station is not operated") for _, reason in problems)
        return Outcome(count, 0, listed, bad_rows, forbidden=scoped)
    rows = list(zip(columns["station"].tolist(), columns["parameter"].tolist(),
                    columns["time"].tolist(), columns["value"].tolist(),
                    columns["flag"].tolist(), strict=True))
    return Outcome(count, insert_rows(store, rows), [])
