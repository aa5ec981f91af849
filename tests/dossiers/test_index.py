"""GET /dossiers/index: the Decision 766 figures equal a brute-force count over the dossiers."""

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import select

from opengov.dossiers.machine import RESOLVED
from opengov.dossiers.workdays import WorkCalendar
from tests.dossiers.conftest import DELEGATED, DESK, POSTAL, Dossier, at, days, post


def _ready_on(procedure, day: date, *, start: int = 2, month: int = 3, **received) -> list:
    """A dossier received on ``start`` of ``month`` 2026 and ready on ``day``."""
    d = Dossier(procedure, **received)
    return [d.event("received", at(start, month=month)),
            d.event("appraisal_started", at(start, 14, month=month)),
            d.event("approved", at(day.day, 10, month=day.month)),
            d.event("result_ready", at(day.day, 11, month=day.month))]


@pytest.fixture(scope="module")
def ingested(dossiers_app, keys):
    """Three agencies over two months: early, on the due date, late, open, withdrawn, by
    every channel; one agency with only two dossiers in May (a suppressed cell)."""
    due = WorkCalendar().add(date(2026, 3, 2), days(POSTAL))
    assert date(2026, 3, 3) < due < date(2026, 3, 31)
    events = []
    for _ in range(3):
        events += _ready_on(POSTAL, date(2026, 3, 3))
    events += _ready_on(POSTAL, due, channel_in="postal")
    events += _ready_on(POSTAL, due, channel_out="postal")
    events += _ready_on(POSTAL, date(2026, 3, 31), channel_in="online")
    events += [Dossier(POSTAL, channel_in="online").event("received", at(5))]
    gone = Dossier(POSTAL)
    events += [gone.event("received", at(2)), gone.event("withdrawn", at(4))]
    for _ in range(6):
        events += _ready_on(DESK, date(2026, 4, 9), start=1, month=4)
    events += [Dossier(DESK, channel_in="online").event("received", at(2, month=4))
               for _ in range(2)]
    for _ in range(2):
        events += _ready_on(DELEGATED, date(2026, 5, 8), start=4, month=5)
    response = post(dossiers_app.test_client(), keys["one-stop"], events)
    assert response.status_code == 200, response.get_data(as_text=True)


def index(api, **args):
    response = api.get("/dossiers/index", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def brute_force(dossiers_app, by=("agency", "month"), **filters) -> dict[tuple, dict]:
    """The figures counted dossier by dossier, straight from the dossiers table."""
    store = dossiers_app.extensions["opengov"].store
    d = store.table("dossiers")
    with store.engine.connect() as conn:
        rows = conn.execute(select(d)).mappings().all()
    cells: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if any(r[{"procedure": "procedure_code"}.get(k, k)] != v for k, v in filters.items()):
            continue
        c = cells[tuple(r[k] for k in by)]
        c["received"] += 1
        c[f"3.3.{r['channel_in']}"] += 1
        if r["state"] in RESOLVED:
            c["resolved"] += 1
            c["days"] += r["days_taken"]
            c["2.1"] += bool(r["on_time"])
            c["2.1.late"] += not r["on_time"]
            c["2.1.early"] += r["days_taken"] < r["statutory_days"]
    for c in cells.values():
        c["2.1.on_due_date"] = c["2.1"] - c["2.1.early"]
    return cells


def expected_figures(c: dict, per_procedure: bool = False) -> dict:
    out = {k: (c[k], c["resolved"]) for k in ("2.1", "2.1.early", "2.1.on_due_date",
                                                "2.1.late")}
    out |= {f"3.3.{ch}": (c[f"3.3.{ch}"], c["received"])
            for ch in ("in_person", "online", "postal")}
    if per_procedure:
        out["2.2"] = (c["days"], c["resolved"])
    return out


@pytest.mark.parametrize("by", [("agency", "month"), ("agency",), ("month",)])
def test_every_cell_equals_a_brute_force_count(api, dossiers_app, ingested, by):
    body = index(api, by=",".join(by))
    truth = brute_force(dossiers_app, by)
    assert len(body["cells"]) == len(truth)
    for cell in body["cells"]:
        c = truth[tuple(cell[k] for k in by)]
        assert cell["suppressed"] == (c["received"] < 5)
        if cell["suppressed"]:
            assert set(cell) == {*by, "suppressed"}  # no figure of a small cell leaks
            continue
        assert cell["received"] == c["received"]
        got = {f["id"]: (f["numerator"], f["denominator"]) for f in cell["figures"]}
        assert got == expected_figures(c)
        for f in cell["figures"]:
            assert f["value"] == (round(f["numerator"] / f["denominator"], 4)
                                  if f["denominator"] else None)
    assert body["suppression"]["suppressed_cells"] == sum(c["received"] < 5
                                                          for c in truth.values())


def test_one_agency_and_month_in_detail(api, ingested):
    body = index(api, agency=POSTAL["agency_code"], period="2026-03")
    [cell] = [c for c in body["cells"] if c["month"] == "2026-03"]
    figures = {f["id"]: f for f in cell["figures"]}
    # This module's 8 March dossiers (other modules add more to the same agency and month).
    assert cell["received"] >= 8
    on_time = figures["2.1"]
    assert on_time["max_points"] == 20
    assert on_time["points"] == round(on_time["value"] * 20, 2)
    assert figures["2.1.early"]["numerator"] >= 3 and figures["2.1.late"]["numerator"] >= 1
    assert figures["2.1.on_due_date"]["numerator"] >= 2
    assert figures["3.3.postal"]["numerator"] >= 1
    assert "2.2" not in figures  # per procedure only


def test_mean_days_per_procedure(api, dossiers_app, ingested):
    body = index(api, procedure=DESK["code"], by="month")
    truth = brute_force(dossiers_app, ("month",), procedure=DESK["code"])
    april = next(c for c in body["cells"] if c["month"] == "2026-04")
    figures = {f["id"]: f for f in april["figures"]}
    assert (figures["2.2"]["numerator"], figures["2.2"]["denominator"]) == \
        expected_figures(truth[("2026-04",)], True)["2.2"]
    assert figures["2.2"]["value"] == round(truth[("2026-04",)]["days"]
                                            / truth[("2026-04",)]["resolved"], 4)


def test_a_small_cell_is_suppressed(api, ingested):
    body = index(api, agency=DELEGATED["agency_code"], period="2026-05")
    assert body["cells"] == [{"agency": DELEGATED["agency_code"], "month": "2026-05",
                              "suppressed": True}]
    assert body["suppression"]["suppressed_cells"] == 1


def test_the_answer_cites_the_decision_and_lists_what_cannot_be_computed(api, ingested):
    body = index(api, period="2026-03")
    assert body["decision"]["number"] == "766/QĐ-TTg"
    assert body["decision"]["date"] == "2022-06-23"
    assert sum(g["max_points"] for g in body["groups"]) == 100
    ids = {f["id"] for f in body["figures"]}
    assert {"2.1", "2.1.early", "2.1.late", "2.2", "3.3.online", "3.3.postal"} <= ids
    missing = {n["id"]: n["reason"] for n in body["not_computable"]}
    assert {"1.4", "4.1", "5.4", "3.6"} <= set(missing)
    assert all(missing.values())
    assert not ids & set(missing)
    assert "month" in body["month_rule"]


@pytest.mark.parametrize("args", [{"by": "channel"}, {"period": "2026-3"}, {"colour": "red"},
                                  {"commune": "x"}])
def test_bad_arguments(api, args):
    response = api.get("/dossiers/index", query_string=args)
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"
