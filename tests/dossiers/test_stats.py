"""GET /dossiers/stats: counts, shares, days taken, overdue now, filters, grouping, suppression."""

import pytest

from tests.dossiers.conftest import POSTAL, Dossier, at, days, post, unique


@pytest.fixture(scope="module")
def commune(dossiers_app, keys):
    """Eight dossiers in a commune of their own: six in person, two online."""
    assert days(POSTAL) < 21  # the late one below is late
    name = unique("xa")
    api = dossiers_app.test_client()
    events = []
    for _ in range(3):
        events += Dossier(POSTAL, name).resolved(3)
    events += Dossier(POSTAL, name).resolved(31)
    gone = Dossier(POSTAL, name)
    events += [gone.event("received", at(2)), gone.event("withdrawn", at(4))]
    events += [Dossier(POSTAL, name).event("received", at(2))]
    events += [Dossier(POSTAL, name, channel_in="online").event("received", at(5))
               for _ in range(2)]
    response = post(api, keys["one-stop"], events)
    assert response.status_code == 200, response.get_data(as_text=True)
    return name


def stats(api, **args):
    response = api.get("/dossiers/stats", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_figures_of_one_cell(api, commune):
    body = stats(api, commune=commune)
    [cell] = body["cells"]
    assert cell | {"statutory_days_median": None} == {
        "received": 8, "resolved": 4, "resolved_on_time": 3, "resolved_late": 1,
        "withdrawn": 1, "in_progress": 3, "overdue_now": 3, "share_on_time": 0.75,
        "share_online": 0.25, "share_postal": 0.0, "days_median": 1, "days_p90": 21,
        "statutory_days_median": None, "suppressed": False}
    assert cell["statutory_days_median"] == days(POSTAL)
    assert "received in the period" in body["cohort"]


def test_small_cells_are_suppressed_and_said_so(api, commune):
    body = stats(api, commune=commune, by="channel")
    cells = {c["channel"]: c for c in body["cells"]}
    assert cells["in_person"]["received"] == 6
    assert cells["online"] == {"channel": "online", "suppressed": True}
    assert body["suppression"]["suppressed_cells"] == 1
    assert body["suppression"]["threshold"] == 5


def test_grouping_combines(api, commune):
    body = stats(api, commune=commune, by="month,commune,procedure")
    [cell] = body["cells"]
    assert (cell["month"], cell["commune"], cell["procedure"]) == ("2026-03", commune,
                                                                    POSTAL["code"])


@pytest.mark.parametrize(("args", "received"), [
    ({"field": POSTAL["field_code"]}, 8), ({"field": "no-such-field"}, None),
    ({"level": POSTAL["level"]}, 8), ({"period": "2026-03"}, 8),
    ({"period": "2026-04/.."}, None), ({"period": "../2026-04"}, 8),
    ({"agency": POSTAL["agency_code"]}, 8), ({"channel": "in_person"}, 6),
])
def test_filters(api, commune, args, received):
    cells = stats(api, commune=commune, **args)["cells"]
    assert (cells[0]["received"] if cells else None) == received


@pytest.mark.parametrize("args", [{"by": "colour"}, {"period": "2026-3"}, {"channel": "fax"},
                                  {"period": "2026-13"}, {"colour": "red"}])
def test_bad_arguments(api, args):
    response = api.get("/dossiers/stats", query_string=args)
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(("by", "filters", "table"), [
    ("agency,month", {}, "dossier_agency_monthly"),
    ("channel", {"agency": "x", "period": "2026-03"}, "dossier_agency_monthly"),
    ("agency", {"commune": "x"}, "dossier_monthly"),
    ("procedure", {}, "dossier_monthly"),
    ("month", {"field": "x"}, "dossier_monthly"),
])
def test_the_coarsest_sufficient_aggregate_is_read(by, filters, table):
    from opengov.dossiers.stats import FILTERS, Request, level_for

    req = Request(by=tuple(by.split(",")),
                  filters={k: v for k, v in filters.items() if k in FILTERS},
                  start=filters.get("period"))
    assert level_for(req).counts == table


def test_both_levels_give_the_same_figures(dossiers_app, commune):
    from datetime import date

    from opengov.dossiers.stats import Request, compute
    from opengov.dossiers.tables import LEVELS

    store = dossiers_app.extensions["opengov"].store
    req = Request(by=("agency", "month", "channel"), filters={"agency": POSTAL["agency_code"]})
    with store.engine.connect() as conn:
        coarse, fine = (compute(store, conn, req, date(2026, 12, 1), level)
                        for level in reversed(LEVELS))
    assert coarse == fine
    assert any(not c["suppressed"] for c in coarse["cells"])
