"""Capability declarations: a misspelt contribution or an unsatisfied setting fails at start."""

from __future__ import annotations

import pytest

from opengov.app import create_app
from opengov.capability import Capability, CapabilityError, build
from opengov.modules import BUILT_IN, built_in


def test_a_misspelt_contribution_is_an_error_when_declared():
    with pytest.raises(TypeError, match="blueprint"):
        Capability(name="typo", blueprint=lambda registry: [])  # type: ignore[call-arg]


def test_contributions_are_keyword_only():
    with pytest.raises(TypeError):
        Capability("positional")  # type: ignore[misc]


def test_every_built_in_package_declares_one_capability_named_after_it():
    names = [c.name for c in built_in()]
    assert names == [module.rsplit(".", 1)[1] for module in BUILT_IN]
    assert len(set(names)) == len(names)


def test_every_collection_belongs_to_exactly_one_capability():
    owners: dict[str, str] = {}
    for capability in built_in():
        for collection in capability.collections():
            assert collection.id not in owners, (collection.id, owners.get(collection.id))
            owners[collection.id] = capability.name
    assert owners["parcels"] == "land" and owners["reports"] == "reports"


def test_an_unknown_capability_in_the_settings_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown capability 'lands'; known: web, "):
        create_app({"instance_path": tmp_path, "disabled_capabilities": "lands"})


def test_a_missing_requirement_names_both_capabilities(tmp_path):
    with pytest.raises(ValueError, match="capability 'map' requires 'ogcapi', which is not "
                                         "enabled"):
        create_app({"instance_path": tmp_path, "disabled_capabilities": "ogcapi"})


def test_an_enabled_list_keeps_the_built_in_order_and_only_those():
    caps = build(built_in(), enabled="land, web")
    assert caps.names == ("web", "land")
    assert [c.id for c in caps.registry] == ["parcels", "land-zones", "land-prices",
                                             "land-use-codes"]


def test_disabling_removes_collections_tables_and_error_families():
    everything, without = build(built_in()), build(built_in(), disabled=["reports", "catalog"])
    assert "reports" in everything.registry and "reports" not in without.registry
    assert len(without.table_contributions()) < len(everything.table_contributions())
    prefixes = [prefix for prefix, _ in everything.error_families()]
    assert prefixes[0] == "/api/3/action" and "/open311" in prefixes
    assert without.error_families() == []


def test_a_requirement_outside_the_list_is_refused():
    with pytest.raises(CapabilityError, match="'map' requires 'ogcapi'"):
        build(built_in(), enabled=["web", "map"])
