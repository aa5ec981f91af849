"""Ingestion of reading batches (JSON or CSV): vectorised checks, then one bulk write.

Every row is checked before anything is written; a batch with any bad row is refused whole and
the answer lists each bad row with its reasons. Checks run column-wise with numpy/pandas, never a
schema per row: each column is factorised once, a rule is judged on its few distinct values
(stations, parameters, units, time texts, flags) and spread back to the rows by code, so a
50,000-reading batch costs a few array operations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import orjson
import pandas as pd
from sqlalchemy import select

from opengov import jsonbody
from opengov.monitoring.catalogue import FLAGS, PARAMETERS
from opengov.monitoring.writer import insert_columns
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


Columns = dict[str, np.ndarray]


def _objects(values: list) -> np.ndarray:
    """A 1-d object array of ``values`` (lists inside stay single cells)."""
    return np.fromiter(values, dtype=object, count=len(values))


def _strings(column: np.ndarray) -> np.ndarray:
    """Strings stay, anything else becomes None; pandas' C type inference tells at once
    whether the per-cell pass is needed at all."""
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column
    return _objects([v if type(v) is str else None for v in column])


def _numbers(column: np.ndarray) -> np.ndarray:
    """JSON numbers as floats; anything else (strings, booleans, null) becomes NaN."""
    if pd.api.types.infer_dtype(column, skipna=True) not in (
            "floating", "integer", "mixed-integer-float", "empty"):
        column = _objects([v if type(v) in (int, float) else None for v in column])
    return np.asarray(column, dtype=float)  # None → NaN; orjson's integers are 64-bit


def parse_json(body: bytes) -> Columns:
    """``{"readings": [...]}`` or a bare array of reading objects → columns of raw values."""
    try:
        doc = jsonbody.loads(body)  # bounded depth, storable text (422 otherwise)
    except orjson.JSONDecodeError as exc:
        raise BatchError(400, f"The body is not valid JSON: {exc}") from exc
    items = doc.get("readings") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise BatchError(422, 'Send {"readings": [ … ]} or a JSON array of readings.')
    _check_size(len(items))
    is_object = np.fromiter((type(item) is dict for item in items), dtype=bool,
                            count=len(items))
    if not is_object.all():
        items = [item if ok else {} for item, ok in zip(items, is_object.tolist(), strict=True)]
    columns = {"_object": is_object}
    for name in FIELDS:
        column = _objects([item.get(name) for item in items])
        columns[name] = _numbers(column) if name == "value" else _strings(column)
    return columns


def parse_csv(body: bytes) -> Columns:
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
    count = len(frame)
    columns = {name: frame[name].to_numpy(dtype=object) if name in frame.columns
               else np.full(count, "", dtype=object) for name in FIELDS}
    columns["value"] = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    columns["_object"] = np.ones(count, dtype=bool)
    return columns


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


def _factorize(column: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes per row and the distinct values (None included): checks run on the few distinct
    stations, parameters, units, times and flags of a batch, then spread back by code."""
    if not column.any():  # no value at all (an optional column left out): skip the hashing
        return np.zeros(len(column), dtype=np.intp), _objects([None])
    codes, uniques = pd.factorize(column)  # a missing value (None) gets code −1 …
    return codes, _objects([*uniques.tolist(), None])  # … which picks the appended None


def _times(text: np.ndarray, now: pd.Timestamp) -> dict[str, np.ndarray]:
    """Epoch seconds and what is wrong with each distinct time text."""
    text = pd.Series([t or "" for t in text], dtype=object)
    # Microsecond units reach year 294,000, so far-future typos stay comparable (not a crash).
    times = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce").dt.as_unit("us")
    ok = times.notna() & text.str.contains(OFFSET, regex=True)
    since = times.where(ok, EARLIEST) - EPOCH
    now = now.as_unit("us")
    return {"ok": ok.to_numpy(dtype=bool),
            "range": (ok & ((times > now + FUTURE_SLACK) | (times < EARLIEST))).to_numpy(bool),
            "fraction": (ok & (since % pd.Timedelta(seconds=1) != pd.Timedelta(0))
                         ).to_numpy(bool),
            "epoch": (since // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)}


def check(store: Store, columns: Columns, scope: str | None,
          now: pd.Timestamp) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, str]]]:
    """Normalised columns plus (mask of bad rows, reason) pairs, all computed column-wise."""
    stations = _stations(store)
    problems: list[tuple[np.ndarray, str]] = []

    def bad(mask, reason: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append((mask, reason))

    bad(~columns["_object"], "not a JSON object")
    s_codes, s_names = _factorize(columns["station"])
    p_codes, p_names = _factorize(columns["parameter"])
    # Row numbers in the station list and in PARAMETERS (−1, unknown, picks an appended cell).
    s_row = pd.Index(stations["id"]).get_indexer(s_names)[s_codes]
    p_row = pd.Index(list(PARAMETERS)).get_indexer(p_names)[p_codes]
    known, known_parameter = s_row >= 0, p_row >= 0
    bad(~known, "unknown station")
    bad(~known_parameter, "unknown parameter")
    measured = np.zeros((len(stations) + 1, len(PARAMETERS) + 1), dtype=bool)
    for i, codes in enumerate(stations["parameters"]):
        measured[i, pd.Index(list(PARAMETERS)).get_indexer(list(codes))] = True
    measured[:, -1] = False  # codes the catalogue does not know landed on the unknown column
    bad(known & known_parameter & ~measured[s_row, p_row], "station does not measure parameter")
    if scope is not None:
        theirs = np.append(stations["operator"].to_numpy(dtype=object) == scope, False)
        bad(known & ~theirs[s_row], f"station is not operated by {scope!r} (your key's scope)")

    u_codes, u_names = _factorize(columns["unit"])
    given = np.array([u or "" for u in u_names], dtype=object)
    normalised = np.array([UNIT_ALIASES.get(u.lower(), u) for u in given], dtype=object)
    units = np.array([p.unit for p in PARAMETERS.values()] + [None], dtype=object)
    bad(known_parameter & (given != "")[u_codes] & (normalised[u_codes] != units[p_row]),
        "wrong unit")

    value = columns["value"]
    finite = np.isfinite(value)
    bad(~finite, "value is not a finite number")
    low = np.array([p.low for p in PARAMETERS.values()] + [np.nan])[p_row]
    high = np.array([p.high for p in PARAMETERS.values()] + [np.nan])[p_row]
    with np.errstate(invalid="ignore"):
        bad(finite & known_parameter & ((value < low) | (value > high)),
            "value outside the parameter's valid range")

    t_codes, t_names = _factorize(columns["time"])
    times = _times(t_names, now)
    ok_time = times["ok"][t_codes]
    bad(~ok_time, "time is not ISO 8601 with a UTC offset")
    bad(times["range"][t_codes], "time is in the future or before 1990")
    bad(times["fraction"][t_codes], "time has fractions of a second")
    epoch = times["epoch"][t_codes]

    f_codes, f_names = _factorize(columns["flag"])
    flags = np.array([f or "valid" for f in f_names], dtype=object)
    bad(~np.isin(flags, FLAGS)[f_codes], f"flag must be one of {', '.join(FLAGS)}")
    e_codes, e_names = pd.factorize(epoch)
    key = (s_codes.astype(np.int64) * len(p_names) + p_codes) * len(e_names) + e_codes
    bad(pd.Series(key).duplicated(keep=False).to_numpy() & ok_time,
        "the same station, parameter and time appear twice in this batch")
    out = {"station": columns["station"], "parameter": columns["parameter"], "time": epoch,
           "value": value, "flag": flags[f_codes]}
    return out, problems


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


def ingest(store: Store, batch: Columns, scope: str | None,
           now: pd.Timestamp | None = None) -> Outcome:
    """Check ``batch``; write it (duplicates skipped) only when every row is good."""
    now = now if now is not None else pd.Timestamp.now(tz="UTC")
    columns, problems = check(store, batch, scope, now)
    count = len(batch["time"])
    if problems:
        listed, bad_rows = _errors(problems, count)
        scoped = scope is not None and all(
            reason.startswith("station is not operated") for _, reason in problems)
        return Outcome(count, 0, listed, bad_rows, forbidden=scoped)
    return Outcome(count, insert_columns(store, **columns), [])
