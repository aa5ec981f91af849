"""The /map viewer in Debian's headless Chromium (Selenium + chromium-driver; nothing is
downloaded): features are drawn and the console stays clean."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import headless_chromium, severe_logs


@pytest.fixture(scope="module")
def browser():
    with headless_chromium(1200, 800) as driver:
        yield driver


def drawn(driver) -> dict:
    return driver.execute_script("return window.opengovMap ? window.opengovMap.drawn : {}")


def test_map_draws_features_without_console_errors(browser, live_server, loaded_app):
    browser.get(live_server + "/map")
    WebDriverWait(browser, 30).until(lambda d: drawn(d))
    first = next(c.id for c in loaded_app.extensions["opengov"].registry if c.spatial)
    assert drawn(browser)[first] > 0
    assert browser.execute_script(
        "return document.querySelectorAll('.leaflet-overlay-pane canvas, "
        ".leaflet-overlay-pane path').length") > 0
    checkboxes = browser.find_elements("css selector", "#layers input")
    offered = {box.get_attribute("value") for box in checkboxes}
    assert offered >= {c.id for c in loaded_app.extensions["opengov"].registry if c.spatial}
    checkboxes[1].click()  # a second layer loads by bbox too
    second = checkboxes[1].get_attribute("value")
    WebDriverWait(browser, 30).until(lambda d: second in drawn(d))
    browser.execute_script("window.opengovMap.map.setZoom(12)")  # panning reloads
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return window.opengovMap.errors.length === 0"))
    assert browser.execute_script("return window.opengovMap.errors") == []
    assert severe_logs(browser) == []


def test_items_page_map_draws_without_console_errors(browser, live_server):
    browser.get(live_server + "/ogc/collections/cameras/items?f=html&lang=en&limit=20")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return document.querySelectorAll('.leaflet-marker-pane *, "
        ".leaflet-overlay-pane path').length > 0"))
    assert severe_logs(browser) == []


AQI_COLOURS = {"#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#8F3F97", "#7E0023"}


def test_stations_are_coloured_by_their_index(browser, live_server):
    browser.get(live_server + "/map?lang=en")
    box = browser.find_elements("css selector", "#layers input[value='aqi-latest']")
    assert box, "the monitoring capability's AQI layer is offered"
    box[0].click()
    WebDriverWait(browser, 30).until(lambda d: drawn(d).get("aqi-latest"))
    colours = browser.execute_script(
        "var layer = window.opengovMap.layers.find(function (l) { return l.id === 'aqi-latest'; });"
        "return layer.group.getLayers().map(function (m) {"
        "  return [m.feature.properties.aqi, m.options.fillColor]; });")
    indexed = [(aqi, colour) for aqi, colour in colours if aqi is not None]
    assert indexed
    for aqi, colour in indexed:
        expected = next(c for limit, c in [(50, "#00E400"), (100, "#FFFF00"), (150, "#FF7E00"),
                                           (200, "#FF0000"), (300, "#8F3F97"),
                                           (100000, "#7E0023")] if aqi <= limit)
        assert colour == expected and colour in AQI_COLOURS
    assert severe_logs(browser) == []
