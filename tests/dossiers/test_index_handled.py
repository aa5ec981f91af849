"""GET /dossiers/index?basis=handled: indicator 2.1 as the national portal reads it.

On the small sample (two years of synthetic dossiers, supplement pauses included) every cell
equals a count made dossier by dossier from the events: resolved in the month, or open at its
end with the due date the clock had then (replayed from the events before that end)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from opengov.dossiers.clock import LOCAL, Progress, clock_of, local_date
from opengov.dossiers.sample import load_sample_dossiers
from opengov.dossiers.workdays import WorkCalendar
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, new_database_url
from tests.dossiers.conftest import POSTAL, Dossier, at, post

CAL = WorkCalendar()


@pytest.fixture(scope="module")
def sample(backend, postgres, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"dossier-handled-{backend}")
    app = make_app(new_database_url(backend, postgres, tmp), tmp)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["procedures"])
    with app.app_context():
        load_sample_dossiers(store, "small")
    yield app
    store.engine.dispose()


def index(api, **args):
    response = api.get("/dossiers/index", query_string={"basis": "handled", **args})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["basis"] == "handled"
    return body


def _start(month: str) -> datetime:
    year, m = map(int, month.split("-"))
    return datetime.combine(date(year, m, 1), time(), LOCAL)


def _due(dossier: dict, events: list, before: datetime):
    """The due date the ledger's clock gave the dossier just before ``before``."""
    clock = clock_of(CAL, dossier["time_unit"])
    progress = Progress(0, local_date(dossier["received_at"]))
    for kind, moment in events:
        if moment >= before:
            break
        if kind == "supplement_requested":
            progress = progress.pause(clock, local_date(moment))
        elif kind == "supplement_supplied":
            progress = progress.resume(local_date(moment))
    return progress.due(clock, dossier["statutory_days"])


def brute_force(app, periods: list[tuple[str | None, datetime | None, datetime]],
                by_agency: bool, agency: str | None = None) -> dict[tuple, list[int]]:
    """(agency or None, label) → [handled, on time], dossier by dossier from the events."""
    store = app.extensions["opengov"].store
    d, ev = store.table("dossiers"), store.table("dossier_events")
    with store.engine.connect() as conn:
        dossiers = conn.execute(select(d)).mappings().all()
        history = defaultdict(list)
        for code, kind, moment in conn.execute(select(ev.c.dossier_code, ev.c.kind, ev.c.at)
                                               .order_by(ev.c.dossier_code, ev.c.at)):
            history[code].append((kind, moment))
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for dossier in dossiers:
        if agency and dossier["agency"] != agency:
            continue
        events = history[dossier["code"]]
        times = {kind: moment for kind, moment in events}
        resolved, withdrawn = times.get("result_ready"), times.get("withdrawn")
        for label, start, end in periods:
            cell = cells[(dossier["agency"] if by_agency else None, label)]
            day = local_date(end - timedelta(microseconds=1))
            if resolved and (start is None or resolved >= start) and resolved < end:
                due = _due(dossier, events, resolved)
                cell[0] += 1
                cell[1] += due is None or local_date(resolved) <= due
            elif dossier["received_at"] < end and not (resolved and resolved < end) \
                    and not (withdrawn and withdrawn < end):
                due = _due(dossier, events, end)
                cell[0] += 1
                cell[1] += due is None or due >= day
    return {k: v for k, v in cells.items() if v[0]}


def _months(first: str, count: int) -> list[tuple[str, datetime, datetime]]:
    out, month = [], first
    for _ in range(count):
        year, m = map(int, month.split("-"))
        after = f"{year + m // 12:04d}-{m % 12 + 1:02d}"
        out.append((month, _start(month), _start(after)))
        month = after
    return out


def _compare(body: dict, truth: dict, by: tuple[str, ...]) -> int:
    got = {}
    for cell in body["cells"]:
        key = (cell.get("agency"), cell.get("month"))
        if cell["suppressed"]:
            assert set(cell) == {*by, "suppressed"}
            got[key] = "suppressed"
            continue
        figures = {f["id"]: f for f in cell["figures"]}
        f = figures["2.1"]
        assert f["denominator"] == cell["handled"] == figures["2.1.resolved"]["denominator"] \
            + figures["2.1.open"]["denominator"]
        assert f["numerator"] == figures["2.1.resolved"]["numerator"] \
            + figures["2.1.open"]["numerator"]
        assert f["value"] == round(f["numerator"] / f["denominator"], 4)
        assert f["points"] == round(f["value"] * 20, 2)
        got[key] = (f["denominator"], f["numerator"])
    assert got == {k: "suppressed" if v[0] < 5 else tuple(v) for k, v in truth.items()}
    assert body["suppression"]["suppressed_cells"] == sum(v[0] < 5 for v in truth.values())
    return len(got)


def test_agency_by_month_equals_a_brute_force_count(sample):
    months = _months("2025-01", 18)
    body = index(sample.test_client(), by="agency,month", period="2025-01/2026-07")
    assert _compare(body, brute_force(sample, months, True), ("agency", "month")) > 18
    assert {c["as_of"] for c in body["cells"] if not c["suppressed"]} <= \
        {(end - timedelta(days=1)).date().isoformat() for _, _, end in months}


def test_one_agency_by_month_and_a_whole_period(sample):
    api = sample.test_client()
    agency = index(api, by="agency", period="2025-06/2026-01")["cells"][0]["agency"]
    body = index(api, by="month", agency=agency, period="2025-03/2025-09")
    truth = brute_force(sample, _months("2025-03", 6), False, agency)
    _compare(body, {(None, k[1]): v for k, v in truth.items()}, ("month",))
    # Not grouped by month: one period, as at its end (received before it, resolved in it).
    body = index(api, by="agency", period="2025-06/2026-01")
    whole = [(None, _start("2025-06"), _start("2026-01"))]
    assert _compare(body, brute_force(sample, whole, True), ("agency",)) > 3
    assert {c["as_of"] for c in body["cells"] if not c["suppressed"]} == {"2025-12-31"}


def test_received_stays_the_default(sample):
    body = sample.test_client().get("/dossiers/index?period=2025-03").get_json()
    assert body["basis"] == "received"
    assert {f["id"] for f in body["figures"]} >= {"2.1", "3.3.online"}


def _cells(api, agency: str) -> dict[str, tuple[int, int]]:
    body = index(api, by="month", agency=agency, period="2025-08/2025-11")
    out = {}
    for cell in body["cells"]:
        assert not cell["suppressed"]
        f = next(f for f in cell["figures"] if f["id"] == "2.1")
        out[cell["month"]] = (f["denominator"], f["numerator"])
    return out


def test_a_dossier_open_across_month_ends_counts_in_each(api, dossiers_app, keys):
    """Five dossiers of each kind (cells under five are suppressed), August to October 2025."""
    def on(day, month, hour=9):
        return at(day, hour, month=month, year=2025)

    assert CAL.add(date(2025, 9, 29), 5) >= date(2025, 10, 1)
    assert CAL.add(date(2025, 8, 1), 5) < date(2025, 8, 31)
    due_a = CAL.add(date(2025, 9, 29), 5)
    events = []
    for _ in range(5):
        a, b, c, e = (Dossier(POSTAL) for _ in range(4))
        # A: received 29 Sept, resolved on its due date in October: on time in both months.
        events += [a.event("received", on(29, 9)), a.event("appraisal_started", on(29, 9, 14)),
                   a.event("approved", on(due_a.day, 10)),
                   a.event("result_ready", on(due_a.day, 10, 11))]
        # B: received 1 Aug, due a week later, resolved mid-October: late in all three.
        events += [b.event("received", on(1, 8)), b.event("appraisal_started", on(1, 8, 14)),
                   b.event("approved", on(15, 10)), b.event("result_ready", on(15, 10, 11))]
        # C: waiting for a supplement at the ends of August and September: not overdue.
        events += [c.event("received", on(1, 8)), c.event("appraisal_started", on(1, 8, 14)),
                   c.event("supplement_requested", on(4, 8)),
                   c.event("supplement_supplied", on(1, 10)),
                   c.event("approved", on(2, 10)), c.event("result_ready", on(2, 10, 11))]
        # E: overdue at the end of August; a later supplement moves its stored due date to
        # 22 September, which must not make it on time as at 31 August.
        events += [e.event("received", on(1, 8)), e.event("appraisal_started", on(1, 8, 14)),
                   e.event("supplement_requested", on(10, 9)),
                   e.event("supplement_supplied", on(22, 9)),
                   e.event("approved", on(3, 10)), e.event("result_ready", on(3, 10, 11))]
    agency = POSTAL["agency_code"]
    before = _cells(api, agency)
    response = post(api, keys["one-stop"], events)
    assert response.status_code == 200, response.get_data(as_text=True)
    after = _cells(api, agency)
    delta = {m: tuple(x - y for x, y in zip(after[m], before.get(m, (0, 0)), strict=True))
             for m in after}
    assert delta == {"2025-08": (15, 5), "2025-09": (20, 10), "2025-10": (20, 10)}


@pytest.mark.parametrize("basis", ["cohort", "HANDLED", ""])
def test_an_unknown_basis_is_a_problem(api, basis):
    response = api.get("/dossiers/index", query_string={"basis": basis})
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
    assert "basis" in response.get_data(as_text=True)


@pytest.mark.parametrize("by", ["agency,month", "agency", ""])
def test_an_empty_period_has_no_cells(sample, by):
    body = index(sample.test_client(), by=by, period="2025-06/2025-03")
    assert body["cells"] == [] and body["suppression"]["suppressed_cells"] == 0
