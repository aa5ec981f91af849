"""/dashboard reads without codes: agencies and procedures by name (slug kept, and shown when
no name is known), month labels that do not run into each other (checked in the SVG and in
headless Chromium), and "slowest" meaning over the statutory time, furthest first."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from opengov.dossiers.dashboard_charts import TICK_GAP, bars, columns
from opengov.dossiers.dashboard_names import agency_names
from tests.browser import headless_chromium, severe_logs
from tests.dossiers.conftest import CATALOGUE, DESK, POSTAL, Dossier, at, post, unique

ONE_DAY = next(p for p in CATALOGUE if not p["legacy"] and p["level"] == "commune" and
               {(m["processing_time"], m["processing_time_unit"]) for m in p["methods"]}
               == {(1, "working_day")})
MONTHS = [(y, m) for y in (2024, 2025, 2026) for m in range(1, 13)][3:27]  # 2024-04…2026-03


def _send(api, token, events):
    for i in range(0, len(events), 200):
        assert post(api, token, events[i:i + 200]).status_code == 200


@pytest.fixture(scope="module")
def filled(dossiers_app, keys):
    """24 months of desk dossiers (5 a month), 6 quick postal ones and 6 of a one-day
    procedure that took about three weeks."""
    api = dossiers_app.test_client()
    commune = unique("xa")
    events = []
    for year, month in MONTHS:
        for _ in range(5):
            d = Dossier(DESK, commune)
            events += [d.event("received", at(3, month=month, year=year)),
                       d.event("appraisal_started", at(3, 14, month=month, year=year)),
                       d.event("approved", at(5, 10, month=month, year=year)),
                       d.event("result_ready", at(5, 11, month=month, year=year))]
    events += [e for _ in range(6) for e in Dossier(POSTAL, commune).resolved(4)]
    events += [e for _ in range(6) for e in Dossier(ONE_DAY, commune).resolved(23)]
    _send(api, keys["one-stop"], events)


def _page(api, lang: str) -> str:
    response = api.get("/dashboard", query_string={"lang": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_agencies_are_named_with_the_slug_kept(api, filled, lang):
    chart = _section(_page(api, lang), 'id="by-agency"', "</svg>")
    labels = dict(re.findall(r'<text class="label"[^>]*data-slug="([^"]+)">([^<]*)<title>',
                             chart))
    assert labels[POSTAL["agency_code"]] == POSTAL["agency"]  # the catalogue has no English
    assert labels[ONE_DAY["agency_code"]] == ONE_DAY["agency"]
    assert f'{POSTAL["agency"]} ({POSTAL["agency_code"]})' in chart  # tooltip keeps the slug
    assert all(name != slug for slug, name in labels.items())


def test_an_agency_without_a_name_keeps_its_slug(dossiers_app):
    store = dossiers_app.extensions["opengov"].store
    with store.reading() as conn:
        names = agency_names(store, conn, ["khong-co-ten", POSTAL["agency_code"]], "en")
    assert names == {POSTAL["agency_code"]: POSTAL["agency"]}
    chart = bars([{"agency": "khong-co-ten", "share": 0.5},
                  {"agency": POSTAL["agency_code"], "share": 1.0}], "agency", "share", names)
    assert [(b["label"], b["named"]) for b in chart["bars"]] == [
        ("khong-co-ten", False), (POSTAL["agency"], True)]


@pytest.mark.parametrize("months", [1, 6, 12, 24, 60])
def test_month_labels_keep_their_distance(months):
    cells = [{"month": f"{2020 + i // 12}-{i % 12 + 1:02d}", "channel": "online",
              "received": 9} for i in range(months)]
    chart = columns(cells)
    labelled = [t for t in chart["ticks"] if t["label"]]
    assert len(chart["ticks"]) == months and labelled
    assert all(b["x"] - a["x"] >= TICK_GAP for a, b in pairwise(labelled))
    assert all(t["label"] for t in chart["ticks"] if t["month"].endswith("-01"))
    assert [y["year"] for y in chart["years"]] == [str(2020 + y) for y in range(1, (months - 1)
                                                                                // 12 + 1)]


def test_month_labels_on_the_page_do_not_overlap_in_chromium(api, filled, tmp_path):
    page = _page(api, "en")
    ticks = re.findall(r'<text class="tick" x="([\d.]+)"[^>]*>(\d{4}-\d\d)</text>',
                       _section(page, 'id="channels"', "</svg>"))
    xs = [float(x) for x, _ in ticks]
    assert len(ticks) >= 8 and all(b - a >= TICK_GAP for a, b in pairwise(xs))
    assert "2025-01" in [label for _, label in ticks]
    path = tmp_path / "dashboard.html"
    path.write_text(page, "utf-8")
    with headless_chromium(1280, 1400) as driver:
        driver.get(path.as_uri())
        boxes = driver.execute_script(
            "return [...document.querySelectorAll('#channels text.tick')].map(t => {"
            "const r = t.getBoundingClientRect(); return [r.left, r.right, r.width]; })")
        svg_right = driver.execute_script(
            "return document.querySelector('#channels').getBoundingClientRect().right")
        assert len(boxes) == len(ticks) and all(w > 20 for _, _, w in boxes)
        assert all(a[1] + 4 <= b[0] for a, b in pairwise(boxes))  # gaps, no overlap
        assert boxes[-1][1] <= svg_right
        assert severe_logs(driver) == []


def _rows(page: str) -> list[tuple[str, str, float, float]]:
    table = _section(page, '<table id="slowest">', "</table>")
    return [(code, name, float(median), float(statutory)) for code, name, median, statutory in
            re.findall(r'<a href="/procedures/([^"]+)">[^<]+</a> <span class="name">([^<]+)'
                       r'</span></td><td class="n">\d+</td><td class="n">([\d.]+)</td>'
                       r'<td class="n">([\d.]+)</td>', table)]


@pytest.mark.parametrize(("lang", "name", "rule"), [
    ("vi", "name_vi", "vượt thời hạn"), ("en", "name_en", "exceed their (median) statutory")])
def test_slowest_are_over_time_furthest_first_and_named(api, filled, lang, name, rule):
    page = _page(api, lang)
    rows = _rows(page)
    assert rule in _section(page, "<caption>", "</caption>")
    assert rows and all(median > statutory for _, _, median, statutory in rows)
    ratios = [median / statutory for _, _, median, statutory in rows]
    assert ratios == sorted(ratios, reverse=True)
    assert (ONE_DAY["code"], ONE_DAY[name]) in [(code, n) for code, n, _, _ in rows]
    cells = api.get("/dossiers/stats", query_string={"by": "procedure"}).get_json()["cells"]
    on_time = {c["procedure"] for c in cells if c["days_median"] is not None and
               c["statutory_days_median"] and c["days_median"] <= c["statutory_days_median"]}
    assert POSTAL["code"] in on_time and not on_time & {code for code, _, _, _ in rows}
