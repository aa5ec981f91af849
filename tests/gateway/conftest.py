"""Gateway fixtures: the shared upstream stand-in, an app whose sources file points at it, and
a way to harvest in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from opengov.gateway.config import load_sources
from opengov.gateway.harvest import Harvester
from opengov.gateway.service import forget_stale_cache
from opengov.store.engine import write_transaction
from opengov.store.migrate import upgrade
from tests.conftest import make_app, new_database_url
from tests.upstream import upstream  # noqa: F401  (fixture)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class Gateway:
    """An app on a fresh database, its sources file, and the upstream stand-in."""

    def __init__(self, app, sources_file: Path, server):
        self.app, self.sources_file, self.upstream = app, sources_file, server
        ext = app.extensions["opengov"]
        self.settings, self.registry, self.store = ext.settings, ext.registry, ext.store
        self.client = app.test_client()

    def write_sources(self, text: str, **values) -> None:
        values = {"upstream": self.upstream.url, "expire": "0", **values}
        for key, value in values.items():
            text = text.replace("{" + key + "}", str(value))
        self.sources_file.write_text(text, encoding="utf-8")

    def sources(self):
        return load_sources(self.settings, self.registry)

    def harvest(self, *ids: str):
        """Run sources in-process (every declared one by default); their reports."""
        sources = self.sources()
        harvester = Harvester(self.settings, self.registry, self.store)
        try:
            return [harvester.run(sources[i]) for i in (ids or sources)]
        finally:
            harvester.close()
            forget_stale_cache(self.app.extensions["opengov"])

    def harvest_one(self, source_id: str = "dn-cameras"):
        return self.harvest(source_id)[0]


WRITTEN = ("gateway_sources", "gateway_leases", "collection_state", "c_cameras",
           "c_service_centres", "c_monitoring_stations")


@pytest.fixture(scope="session")
def gateway_database(backend, postgres, tmp_path_factory):
    """One migrated database per backend for the gateway tests (emptied before each test)."""
    tmp = tmp_path_factory.mktemp(f"gateway-{backend}")
    url = new_database_url(backend, postgres, tmp)
    app = make_app(url, tmp)
    upgrade(app.extensions["opengov"].store.engine)
    app.extensions["opengov"].store.engine.dispose()
    return url


@pytest.fixture
def gateway(gateway_database, tmp_path, upstream):  # noqa: F811 (fixture argument)
    """An app on the gateway database, emptied, with its own instance folder (HTTP cache)."""
    sources_file = tmp_path / "sources.toml"
    app = make_app(gateway_database, tmp_path, sources_file=str(sources_file),
                   http_backoff_ms=10, http_timeout=5)
    store = app.extensions["opengov"].store
    with write_transaction(store.engine) as conn:
        for name in WRITTEN:
            conn.execute(store.table(name).delete())
    yield Gateway(app, sources_file, upstream)
    store.engine.dispose()


@pytest.fixture
def cameras(gateway):
    """The test geojson upstream declared as source ``dn-cameras`` (revalidated each time)."""
    gateway.upstream.route("/cameras.geojson", fixture_text("cameras.geojson"),
                           content_type="application/geo+json")
    gateway.write_sources(fixture_text("sources.toml"))
    return gateway
