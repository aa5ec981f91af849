"""Scrape-time metrics of the gateway: each harvested source's age, state and records."""

from __future__ import annotations


class SourceCollector:
    """Scrape-time metrics of the harvested sources (read from the database)."""

    def __init__(self, ctx):
        self.ctx = ctx

    def collect(self):  # noqa: D102 (prometheus-client's collector API)
        from prometheus_client.core import GaugeMetricFamily
        from sqlalchemy.exc import SQLAlchemyError

        from opengov.gateway.errors import SourceError
        from opengov.gateway.service import all_records

        age = GaugeMetricFamily("opengov_source_age_seconds",
                                "Seconds since the source's last successful harvest",
                                labels=["source"])
        up = GaugeMetricFamily("opengov_source_up", "1 if the source's last harvest succeeded",
                               labels=["source"])
        records = GaugeMetricFamily("opengov_source_records", "Records of the last harvest",
                                    labels=["source"])
        try:
            sources = all_records(self.ctx)
        except (SourceError, SQLAlchemyError, OSError, ValueError):
            sources = []
        for s in sources:
            if s["freshness"]["age_s"] is not None:
                age.add_metric([s["id"]], s["freshness"]["age_s"])
            up.add_metric([s["id"]], 1.0 if s["status"] == "ok" else 0.0)
            if s["records"] is not None:
                records.add_metric([s["id"]], s["records"])
        yield from (age, up, records)
