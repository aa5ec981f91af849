"""Every bundled dataset documents itself: licence, publisher, synthetic flag, fields."""

from __future__ import annotations

import pytest
import yaml

from opengov.dictionary import field_entries, sync
from opengov.modules import all_capabilities
from tests.conftest import DATASETS, REPO

REGISTRY = all_capabilities().registry
FOLDERS = sorted(p.name for p in DATASETS.iterdir() if (p / "metadata.yaml").exists())


def test_every_registered_collection_ships_a_dataset():
    assert sorted(c.id for c in REGISTRY) == FOLDERS


@pytest.mark.parametrize("folder", FOLDERS)
def test_metadata_has_the_catalogue_essentials(folder):
    meta = yaml.safe_load((DATASETS / folder / "metadata.yaml").read_text(encoding="utf-8"))
    assert meta["id"] == folder
    for key in ("title", "description"):
        assert meta[key]["vi"] and meta[key]["en"]
    assert "sample" in meta["title"]["en"].lower() and "mẫu" in meta["title"]["vi"].lower()
    assert meta["publisher"]["name"] == "opengov sample data"
    assert meta["contact_point"]["email"]
    assert meta["license"]["id"] == "CC-BY-4.0"
    assert meta["keywords"]["vi"] and meta["keywords"]["en"]
    assert meta["themes"] and meta["update_frequency"]
    assert meta["temporal"]["start"]
    assert meta["synthetic"] is True
    assert meta["fields"] == field_entries(REGISTRY.get(folder))
    if REGISTRY.get(folder).spatial:
        minx, miny, maxx, maxy = meta["spatial"]["bbox"]
        assert 102 < minx < maxx < 110 and 8 < miny < maxy < 24  # within Viet Nam


def test_data_dictionary_and_metadata_are_current():
    stale = sync(REGISTRY, DATASETS, REPO / "docs" / "data.md", check=True)
    assert not stale, f"run `opengov dictionary`: stale {stale}"
