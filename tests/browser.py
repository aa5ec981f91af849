"""Debian's headless Chromium driven by Selenium (packages chromium and chromium-driver;
nothing is downloaded), for the pages' browser tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import need

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage")


@contextmanager
def headless_chromium(width: int = 1200, height: int = 800) -> Iterator:
    """A Chromium driver keeping the console log (see :func:`severe_logs`), quit on exit."""
    need("Chromium (Debian packages chromium and chromium-driver)", bool(CHROMIUM and DRIVER))
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def severe_logs(driver) -> list[dict]:
    """The console's errors so far."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
