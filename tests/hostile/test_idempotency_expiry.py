"""An Idempotency-Key whose window has ended counts as new on every path (issue 14, point 9).

The expired row stays in ``report_idempotency`` until the janitor runs (at most every ten
minutes, and only on native writes), so a retry after the window must not trip over it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from opengov.reports.service import digest
from opengov.store.engine import write_transaction
from opengov.store.types import utcnow
from tests.reports.conftest import api, reports_app, tokens  # noqa: F401  (fixtures)

BODY = {"category": "flooding", "address": "Ngã tư Hùng Vương – Phan Bội Châu"}


def _age_key(app, key: str, hours: float) -> None:
    """Make the stored use of ``key`` ``hours`` old, as if the client retried that much later."""
    store = app.extensions["opengov"].store
    t = store.table("report_idempotency")
    with write_transaction(store.engine) as conn:
        done = conn.execute(update(t).where(t.c.key_sha256 == digest(key)).values(
            created_at=utcnow() - timedelta(hours=hours)))
    assert done.rowcount == 1


def _rows(app, key: str) -> list:
    store = app.extensions["opengov"].store
    t = store.table("report_idempotency")
    with store.engine.connect() as conn:
        return conn.execute(select(t.c.report_id).where(t.c.key_sha256 == digest(key))).all()


def _native(api, key, body=BODY):  # noqa: F811
    return api.post("/reports", json=body, headers={"Idempotency-Key": key})


def _open311(api, key, token, address=BODY["address"]):  # noqa: F811
    return api.post("/open311/v2/requests.json", headers={"Idempotency-Key": key},
                    data={"api_key": token, "service_code": "flooding",
                          "address_string": address})


def _id(response) -> str:
    body = response.get_json()
    return body["id"] if isinstance(body, dict) else body[0]["service_request_id"]


@pytest.mark.parametrize("path", ["native", "open311"])
def test_a_retry_after_the_window_is_a_new_report(reports_app, api, tokens, path):  # noqa: F811
    def send(address=BODY["address"]):
        if path == "native":
            return _native(api, "retry-later", {**BODY, "address": address})
        return _open311(api, "retry-later", tokens["app"], address)

    first = send()
    assert first.status_code in (200, 201), first.get_data(as_text=True)
    _age_key(reports_app, "retry-later", hours=25)  # the default window is 24 h
    again = send()
    assert again.status_code in (200, 201), again.get_data(as_text=True)
    assert "Idempotent-Replayed" not in again.headers
    assert _id(again) != _id(first)
    assert [r.report_id for r in _rows(reports_app, "retry-later")] == [_id(again)]
    # Within the new window the key replays the new report, as for any first use.
    replay = send()
    assert _id(replay) == _id(again)
    if path == "native":
        assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    # An expired key may even carry a different body now: it is a new first use.
    _age_key(reports_app, "retry-later", hours=30)
    other = send(address="Chợ Tam Kỳ")
    assert other.status_code in (200, 201), other.get_data(as_text=True)
    assert _id(other) not in (_id(first), _id(again))
    assert api.get("/reports/stats").get_json()["total"] == 3


def test_a_key_still_in_its_window_is_kept(reports_app, api):  # noqa: F811
    first = _native(api, "recent")
    _age_key(reports_app, "recent", hours=23)
    retry = _native(api, "recent")
    assert retry.status_code == 200 and _id(retry) == _id(first)
    misuse = _native(api, "recent", {**BODY, "address": "elsewhere"})
    assert misuse.status_code == 422
    assert api.get("/reports/stats").get_json()["total"] == 1
