"""The open dataset of dossier statistics by month: one registered collection, aggregates only.

A record is one cell of ``GET /dossiers/stats?by=month&by=agency&by=procedure``: the same
figures, computed by the same code (:func:`opengov.dossiers.stats.compute`), with the same
suppression: a cell counting fewer than :data:`~opengov.dossiers.stats.THRESHOLD` dossiers
keeps its month, agency and procedure but no figure (``suppressed`` is true). No dossier, no
receipt code and no personal data is ever a record. ``overdue_now`` is left out: it depends on
the day it is read, while a published month should change only when its dossiers do.

The collection is ``live`` with ``period_start`` (00:00 of the month, Vietnam time) as its time
field, so the catalogue publishes it like every registered collection (DCAT, CKAN, downloads
in every format, DataStore) and, being live, as one CSV extract per month, offered only once
the month's figures are final (:func:`live_source`): an extract is never rebuilt, while a
cohort's figures change until its last dossier is closed.
:func:`publish` rewrites the table from the aggregates; the version changes only when a
figure did (``opengov dossiers publish``, the sample load, ``opengov synth dossiers``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func, select

from opengov.catalog.live import LiveSource, Stats, collection_source
from opengov.collections import Collection, Field
from opengov.dossiers import stats
from opengov.store.repository import LoadResult, Store

DATASET_ID = "dossier-statistics"
ICT = timezone(timedelta(hours=7))
BY = ("month", "agency", "procedure")
#: The API's figures the dataset carries, in column order (``overdue_now`` is not one).
COUNT_FIGURES = ("received", "resolved", "resolved_on_time", "resolved_late", "withdrawn",
                 "in_progress")
SHARE_FIGURES = ("share_on_time", "share_online", "share_postal")
DAY_FIGURES = ("days_median", "days_p90", "statutory_days_median")


def _count(name: str, vi: str, en: str) -> Field:
    return Field(name, "integer", vi, en, unit="dossiers")


DOSSIER_STATISTICS = Collection(
    id=DATASET_ID,
    title={"vi": "Thống kê giải quyết hồ sơ thủ tục hành chính theo tháng",
           "en": "Dossier statistics by month"},
    description={
        "vi": "Số hồ sơ thủ tục hành chính tiếp nhận, đã giải quyết, đúng hạn, trễ hạn, rút, "
              "đang giải quyết; tỷ lệ trực tuyến, bưu chính; trung vị và phân vị 90 số ngày "
              "giải quyết — theo tháng tiếp nhận, cơ quan và thủ tục. Chỉ số liệu tổng hợp: "
              "ô dưới 5 hồ sơ được ẩn (suppressed), không có hồ sơ hay dữ liệu cá nhân nào.",
        "en": "Dossiers of administrative procedures received, resolved, on time, late, "
              "withdrawn and in progress; shares online and by post; median and 90th "
              "percentile of days taken — by month of receipt, agency and procedure. "
              "Aggregates only: cells under 5 dossiers are suppressed; no dossier and no "
              "personal data is published.",
    },
    fields=(
        Field("id", "string", "Mã ô (tháng~cơ quan~thủ tục)", "Cell id (month~agency~procedure)",
              required=True, example="2025-03~so-tu-phap~1.001193"),
        Field("month", "string", "Tháng tiếp nhận (YYYY-MM)", "Month of receipt (YYYY-MM)",
              required=True, filterable=True, sortable=True, example="2025-03"),
        Field("period_start", "datetime", "Đầu tháng (0 giờ, giờ Việt Nam)",
              "Start of the month (00:00 Vietnam time, UTC+7)", required=True,
              example="2025-02-28T17:00:00Z"),
        Field("agency", "string", "Mã cơ quan giải quyết", "Handling agency code",
              required=True, filterable=True, sortable=True, example="so-tu-phap"),
        Field("procedure", "string", "Mã thủ tục", "Procedure code", required=True,
              filterable=True, sortable=True, example="1.001193"),
        Field("field_code", "string", "Mã lĩnh vực", "Field code", filterable=True,
              example="ho-tich"),
        Field("level", "string", "Cấp thực hiện", "Implementing level", filterable=True,
              example="province"),
        Field("suppressed", "boolean", "Ô bị ẩn (dưới 5 hồ sơ)",
              "Suppressed (fewer than 5 dossiers): no figure given", required=True,
              filterable=True, example=False),
        _count("received", "Số hồ sơ tiếp nhận", "Dossiers received"),
        _count("resolved", "Đã giải quyết", "Resolved"),
        _count("resolved_on_time", "Giải quyết đúng hạn", "Resolved on time"),
        _count("resolved_late", "Giải quyết trễ hạn", "Resolved late"),
        _count("withdrawn", "Rút hồ sơ", "Withdrawn"),
        _count("in_progress", "Đang giải quyết", "In progress"),
        Field("share_on_time", "number", "Tỷ lệ đúng hạn", "Share of resolved on time",
              unit="1"),
        Field("share_online", "number", "Tỷ lệ nộp trực tuyến", "Share received online",
              unit="1"),
        Field("share_postal", "number", "Tỷ lệ qua bưu chính",
              "Share received or returned by post", unit="1"),
        Field("days_median", "integer", "Trung vị số ngày giải quyết",
              "Median days taken", unit="days"),
        Field("days_p90", "integer", "Phân vị 90 số ngày giải quyết",
              "90th percentile of days taken", unit="days"),
        Field("statutory_days_median", "integer", "Trung vị thời hạn luật định",
              "Median statutory time", unit="days"),
    ),
    time_field="period_start",
    kind="live",
    update_frequency="monthly",
    cache_seconds=3600,
    keywords=("administrative procedures", "dossiers", "service delivery", "statistics",
              "one-stop", "hồ sơ thủ tục hành chính", "một cửa"),
)


def period_start(month: str) -> datetime:
    """00:00 of ``YYYY-MM``'s first day in Vietnam's time."""
    year, number = (int(part) for part in month.split("-"))
    return datetime(year, number, 1, tzinfo=ICT)


def _procedures(store: Store, conn) -> dict[str, tuple]:
    """Each procedure's field and level, as the aggregates keep them."""
    t = store.table("dossier_monthly")
    rows = conn.execute(select(t.c.procedure_code, t.c.field_code, t.c.level).distinct())
    return {r[0]: (r[1], r[2]) for r in rows}


def records(store: Store, conn, today: date) -> Iterator[dict]:
    """The dataset's records: the API's month × agency × procedure cells."""
    body = stats.compute(store, conn, stats.Request(by=BY), today)
    procedures = _procedures(store, conn)
    for cell in body["cells"]:
        field_code, level = procedures.get(cell["procedure"], (None, None))
        record = {"id": f"{cell['month']}~{cell['agency']}~{cell['procedure']}",
                  "month": cell["month"], "period_start": period_start(cell["month"]),
                  "agency": cell["agency"], "procedure": cell["procedure"],
                  "field_code": field_code, "level": level, "suppressed": cell["suppressed"]}
        for name in (*COUNT_FIGURES, *SHARE_FIGURES, *DAY_FIGURES):
            record[name] = cell.get(name)
        yield record


def publish(store: Store, today: date, source: str = "dossiers") -> LoadResult:
    """Make the dataset hold the current aggregates (a new version only when a figure
    changed)."""
    from opengov.loader import prepare_rows

    with store.engine.connect() as conn:
        found = list(records(store, conn, today))
    rows = prepare_rows(DOSSIER_STATISTICS, ((r, None) for r in found), source=source)
    return store.repo(DATASET_ID).replace_all(rows, source=source)


def _settled(store: Store) -> Stats:
    """The dataset's extent for monthly extracts: from its first month to the last month
    before the first one with a published cell still counting dossiers in progress. A cohort
    month is final once nothing in it is in progress (a suppressed cell never gets figures, so
    it cannot change), and only final months get an extract, which is never rebuilt."""
    t = store.repo(DATASET_ID).table
    still_open = func.sum(case((t.c.suppressed.is_(False) & (t.c.in_progress > 0), 1),
                               else_=0))
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.month, func.min(t.c.period_start), still_open,
                                   func.count()).group_by(t.c.month).order_by(t.c.month)).all()
    first = rows[0][1] if rows else None
    last = None
    for _, start, open_cells, _ in rows:
        if open_cells:
            break
        last = start
    return Stats(first if last else None, last, sum(r[3] for r in rows))


def live_source() -> LiveSource:
    """The dataset's monthly extracts: one CSV per final month of receipt."""
    default = collection_source(DOSSIER_STATISTICS)
    return LiveSource(DOSSIER_STATISTICS, _settled, default.csv)
