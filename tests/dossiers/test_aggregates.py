"""The monthly aggregates kept at ingest equal a full recomputation after every kind of batch."""

from opengov.dossiers.aggregates import recompute, recompute_days, stored, stored_days
from opengov.dossiers.tables import LEVELS
from tests.dossiers.conftest import DESK, POSTAL, Dossier, at, post, unique


def assert_consistent(app):
    store = app.extensions["opengov"].store
    with store.engine.connect() as conn:
        for level in LEVELS:
            assert stored(store, conn, level) == recompute(store, conn, level)
            assert stored_days(store, conn, level) == recompute_days(store, conn, level)


def test_aggregates_equal_a_recomputation_after_each_kind_of_batch(api, keys, dossiers_app):
    commune = unique("xa")
    a, b, c, d = (Dossier(POSTAL, commune, channel_out="postal"), Dossier(DESK, commune),
                  Dossier(POSTAL, commune, channel_in="online"), Dossier(DESK, commune))
    batches = [
        [a.event("received", at(2)), b.event("received", at(2)), c.event("received", at(3))],
        [a.event("appraisal_started", at(3)), b.event("supplement_requested", at(3))],
        [b.event("supplement_supplied", at(9))],
        [a.event("approved", at(5)), a.event("result_ready", at(30)), c.event("withdrawn",
                                                                              at(4))],
        [a.event("result_returned", at(31), postal_code="EB1VN"),
         *d.resolved(3, start=2), b.event("refused", at(10))],
        [b.event("result_ready", at(10, 15))],
    ]
    for events in batches:
        response = post(api, keys["one-stop"], events)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert_consistent(dossiers_app)
    assert post(api, keys["one-stop"], batches[0]).get_json()["duplicates"] == 3  # a resend
    assert_consistent(dossiers_app)
    refused = post(api, keys["one-stop"], [d.event("withdrawn", at(20))])  # closed already
    assert refused.status_code == 422
    assert_consistent(dossiers_app)
    store = dossiers_app.extensions["opengov"].store
    with store.engine.connect() as conn:  # the comparisons were not of empty tables
        mine = [r for r in stored_days(store, conn) if r[3] == commune]
    assert sum(r[-1] for r in mine) == 3
