"""/dashboard: charts drawn from the aggregates, in both languages, checked in headless
Chromium (Debian's; nothing is downloaded) for drawn shapes and a clean console."""

from __future__ import annotations

import pytest

from tests.browser import headless_chromium, severe_logs
from tests.dossiers.conftest import POSTAL, Dossier, post, unique


@pytest.fixture(scope="module")
def filled(dossiers_app, keys):
    api = dossiers_app.test_client()
    commune = unique("xa")
    events = [e for _ in range(6) for e in Dossier(POSTAL, commune).resolved(4)]
    assert post(api, keys["one-stop"], events).status_code == 200


@pytest.mark.parametrize(("lang", "title"), [("vi", "Tình hình giải quyết"),
                                             ("en", "How dossiers")])
def test_the_page_in_both_languages(api, filled, lang, title):
    response = api.get("/dashboard", query_string={"lang": lang})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert title in page and POSTAL["agency_code"] in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "766/QĐ-TTg" in page and 'href="/dossiers/index"' in page  # the index, one click


def test_charts_are_drawn_in_chromium_without_console_errors(api, filled, tmp_path):
    page = tmp_path / "dashboard.html"
    page.write_text(api.get("/dashboard?lang=en").get_data(as_text=True), "utf-8")
    with headless_chromium(1200, 900) as driver:
        driver.get(page.as_uri())
        widths = driver.execute_script(
            "return [...document.querySelectorAll('#by-agency rect, #channels rect')]"
            ".map(r => r.getBoundingClientRect().width)")
        assert widths and any(w > 0 for w in widths)
        assert driver.execute_script(
            "return document.querySelectorAll('#by-month rect').length") > 0
        assert severe_logs(driver) == []
