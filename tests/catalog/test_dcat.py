"""DCAT-AP 3.0: JSON-LD parses offline (context inlined), Turtle parses, mandatory properties."""

from __future__ import annotations

import warnings

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

SPDX = Namespace("http://spdx.org/rdf/terms#")
OG = Namespace("urn:opengov:vocab#")


def _graph(data: bytes, fmt: str) -> Graph:
    graph = Graph()
    with warnings.catch_warnings():  # rdflib 7's JSON-LD parser uses its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=data.decode(), format=fmt)
    return graph


@pytest.fixture(params=[("/catalog.jsonld", "json-ld"), ("/catalog.ttl", "turtle")],
                ids=["jsonld", "turtle"])
def graph(request, client):
    path, fmt = request.param
    response = client.get(path)
    assert response.status_code == 200
    return _graph(response.data, fmt)


def test_catalogue_has_its_mandatory_properties(graph, loaded_app):
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher):
        assert graph.value(catalog, prop) is not None, prop
    datasets = set(graph.objects(catalog, DCAT.dataset))
    # every registered collection, and the monitoring readings (a live table)
    assert len(datasets) == len(loaded_app.extensions["opengov"].registry) + 1
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert graph.value(publisher, FOAF.name) == Literal("opengov sample data")


def test_every_dataset_and_distribution_is_complete(graph):
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        titles = {t.language for t in graph.objects(dataset, DCTERMS.title)}
        assert titles == {"vi", "en"}
        assert graph.value(dataset, DCTERMS.description) is not None
        assert graph.value(dataset, OG.synthetic) == Literal(True)
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for dist in distributions:
            assert graph.value(dist, DCAT.accessURL) is not None
            assert graph.value(dist, DCTERMS.format) is not None


def test_built_files_carry_checksums(client):
    body = client.get("/datasets/cameras/download.gpkg")
    body.close()
    graph = _graph(client.get("/catalog.ttl").data, "turtle")
    sums = [graph.value(c, SPDX.checksumValue) for c in graph.objects(None, SPDX.checksum)]
    assert any(s is not None and len(str(s)) == 64 for s in sums)


def test_jsonld_context_is_inlined(client):
    doc = client.get("/catalog.jsonld").get_json()
    assert isinstance(doc["@context"], dict) and doc["@type"] == "dcat:Catalog"
    assert client.get("/catalog.jsonld").headers["Content-Type"] == "application/ld+json"


def test_new_distributions_name_their_file_types(client):
    doc = client.get("/catalog.jsonld").get_json()
    nodes = {d["@id"].rsplit("/", 1)[1]: d for d in doc["dcat:dataset"]}
    assert nodes["procedures"]["dct:identifier"] == "quang-nam-procedures"
    by_format = {d["@id"].rsplit("download.", 1)[-1]: d
                 for d in nodes["procedures"]["dcat:distribution"]}
    assert by_format["xlsx"]["dct:format"]["@id"].endswith("/file-type/XLSX")
    package = by_format["datapackage.zip"]
    assert package["dct:format"]["@id"].endswith("/file-type/CSV")
    assert package["dcat:packageFormat"]["@id"].endswith("application/zip")
    assert package["dct:conformsTo"]["@id"] == "https://datapackage.org/standard/data-package/"
    months = [d for d in nodes["monitoring-readings"]["dcat:distribution"] if "dct:temporal" in d]
    assert months and all(d["@id"].endswith(".csv") for d in months)
