"""Every link the service publishes answers, and its HTML pages show no Python internals.

The walk starts from the pages a client discovers the API through (``/``, ``/ogc``,
``/ogc/collections``, each collection page in JSON and in HTML in both languages, ``/datasets``
and each catalogue record) and follows every same-site ``href`` once.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from opengov.dossiers.dashboard import TEXT as DASHBOARD
from opengov.ogcapi.html import STRINGS

HREF_ATTR = re.compile(r'href="([^"]+)"')
TEMPLATES = Path(__file__).resolve().parents[2] / "opengov"
REPR_MARKERS = ("<built-in", "object at 0x", "<bound method", "<function ")


def _hrefs(document) -> list[str]:
    """Every ``href`` value in a JSON document (any depth), skipping templated links."""
    found = []
    if isinstance(document, dict):
        if isinstance(document.get("href"), str) and not document.get("templated"):
            found.append(document["href"])
        for value in document.values():
            found.extend(_hrefs(value))
    elif isinstance(document, list):
        for value in document:
            found.extend(_hrefs(value))
    return found


def _local(href: str) -> str | None:
    """The path and query of a link to this service; None for other sites and fragments."""
    parts = urlsplit(href.replace("&amp;", "&"))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _links_of(response) -> list[str]:
    if response.mimetype == "text/html":
        return HREF_ATTR.findall(response.get_data(as_text=True))
    if response.is_json or response.mimetype.endswith("json"):
        return _hrefs(response.get_json(force=True))
    return []


def _start_pages(client) -> list[str]:
    collections = client.get("/ogc/collections?f=json").get_json()["collections"]
    datasets = client.get("/datasets?limit=1000").get_json()["datasets"]
    pages = ["/", "/ogc", "/ogc?f=html", "/ogc/collections", "/ogc/collections?f=html",
             "/datasets"]
    for c in collections:
        pages.append(f"/ogc/collections/{c['id']}?f=json")
        pages += [f"/ogc/collections/{c['id']}?f=html&lang={lang}" for lang in STRINGS]
    pages += [f"/datasets/{d['id']}" for d in datasets]
    return pages


@pytest.mark.slow
def test_every_link_from_the_entry_pages_answers(client):
    seen: dict[str, int] = {}
    targets: set[str] = set()
    for page in _start_pages(client):
        with client.get(page) as response:
            seen[page] = response.status_code
            hrefs = _links_of(response)
        targets |= {local for local in map(_local, hrefs) if local is not None}
    for target in sorted(targets - set(seen)):
        with client.get(target) as response:
            seen[target] = response.status_code
    broken = {url: status for url, status in seen.items() if status == 404 or status >= 500}
    assert not broken
    assert len(seen) > 60  # the walk did reach the collection pages and their links


def test_landing_page_links_each_collection_to_its_own_endpoint(client):
    data_links = [link["href"] for link in client.get("/").get_json()["links"]
                  if link["rel"] == "data"]
    paths = {urlsplit(href).path for href in data_links}
    assert {"/land/parcels", "/land/zones", "/monitoring/stations", "/cameras"} <= paths
    for path in paths:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("lang", sorted(STRINGS))
def test_collection_pages_show_no_python_repr(client, lang):
    collections = client.get("/ogc/collections?f=json").get_json()["collections"]
    for c in collections:
        for suffix in ("", "/items", "/queryables"):
            page = client.get(f"/ogc/collections/{c['id']}{suffix}?f=html&lang={lang}")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert not [m for m in REPR_MARKERS if m in html], (c["id"], suffix)
        features = client.get(f"/ogc/collections/{c['id']}?f=html&lang={lang}").get_data(
            as_text=True)
        assert f'>{STRINGS[lang]["items"]}</a>' in features


@pytest.mark.parametrize(("package", "strings"),
                         [("ogcapi", STRINGS), ("map", STRINGS), ("dossiers", DASHBOARD)])
def test_every_page_string_used_by_a_template_is_translated(package, strings):
    used = set()
    for template in (TEMPLATES / package).glob("templates/**/*.html"):
        used |= set(re.findall(r"\{\{[^}]*?\bt\.([a-z_]+)", template.read_text(encoding="utf-8")))
    assert used
    for lang, table in strings.items():
        assert not used - set(table), lang
