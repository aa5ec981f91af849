"""DCAT-AP 3.0 catalogue as JSON-LD (context inlined, so it parses offline) and Turtle.

Mandatory DCAT-AP 3.0 properties covered: Catalogue (dct:title, dct:description,
dct:publisher, dcat:dataset), Dataset (dct:title, dct:description), Distribution
(dcat:accessURL), Agent (foaf:name), Checksum (spdx:algorithm, spdx:checksumValue), Licence
Document, Location and Period of Time per the DCAT-AP 3.0 specification
(https://semiceu.github.io/DCAT-AP/releases/3.0.0/). Themes, frequencies and file types use the
EU Publications Office authority tables.
"""

from __future__ import annotations

import json
import warnings

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "locn": "http://www.w3.org/ns/locn#",
    "adms": "http://www.w3.org/ns/adms#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "og": "urn:opengov:vocab#",
}
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = {"irregular": "IRREG", "continuous": "CONT", "daily": "DAILY", "weekly": "WEEKLY",
             "monthly": "MONTHLY", "quarterly": "QUARTERLY", "annual": "ANNUAL",
             "never": "NEVER"}
FILE_TYPE = {"csv": "CSV", "geojson": "GEOJSON", "ndjson": "JSON", "gpkg": "GPKG",
             "parquet": "PARQUET", "fgb": "BIN", "shp.zip": "SHP", "xlsx": "XLSX",
             "datapackage.zip": "CSV"}
# Files grouped in a zip: dcat:packageFormat (DCAT 3 §6.8) names the package's media type.
PACKAGED = {"shp.zip": "application/zip", "datapackage.zip": "application/zip"}
FRICTIONLESS = "https://datapackage.org/standard/data-package/"
IANA = "https://www.iana.org/assignments/media-types/"


def _text(values: dict) -> list[dict]:
    return [{"@value": v, "@language": lang} for lang, v in values.items() if v]


def _date(value: str | None, kind: str = "dateTime") -> dict | None:
    return {"@value": value, "@type": f"xsd:{kind}"} if value else None


def _agent(agent: dict, uri: str) -> dict:
    return {"@id": uri, "@type": "foaf:Agent", "foaf:name": agent.get("name", "")}


def _contact(contact: dict) -> dict:
    out = {"@type": "vcard:Kind", "vcard:fn": contact.get("name", "")}
    if contact.get("email"):
        out["vcard:hasEmail"] = {"@id": "mailto:" + contact["email"]}
    return out


def _bbox_wkt(box: list[float]) -> str:
    x0, y0, x1, y1 = box
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def _distribution(ds: dict, dist: dict, licence: dict | None) -> dict:
    out: dict = {
        "@id": dist["url"], "@type": "dcat:Distribution",
        "dcat:accessURL": {"@id": dist["url"]}, "dcat:downloadURL": {"@id": dist["url"]},
        "dct:title": f"{ds['title']['en']} ({dist.get('period') or dist['format']})",
        "dct:format": {"@id": EU + "file-type/" + FILE_TYPE[dist["format"]]},
        "dcat:mediaType": {"@id": IANA + dist["media_type"].split(";")[0]},
    }
    if dist["format"] in PACKAGED:
        out["dcat:packageFormat"] = {"@id": IANA + PACKAGED[dist["format"]]}
    if dist["format"] == "datapackage.zip":
        out["dct:conformsTo"] = {"@id": FRICTIONLESS}
    if dist.get("temporal"):  # a live dataset's monthly extract
        out["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                               "dcat:startDate": _date(dist["temporal"]["start"]),
                               "dcat:endDate": _date(dist["temporal"]["end"])}
    if licence:
        out["dct:license"] = licence
    if dist["byte_size"] is not None:
        out["dcat:byteSize"] = {"@value": str(dist["byte_size"]), "@type": "xsd:nonNegativeInteger"}
        out["spdx:checksum"] = {"@type": "spdx:Checksum",
                                "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                                "spdx:checksumValue": {"@value": dist["sha256"],
                                                       "@type": "xsd:hexBinary"}}
    return out


def dataset_node(ds: dict, base: str, area: str = "quang-nam") -> dict:
    """One dcat:Dataset node; its identifier is ``<area>-<id>`` (``area``: the region's slug,
    as in download file names)."""
    uri = f"{base}/datasets/{ds['id']}"
    licence = None
    if ds["license"]:
        licence = {"@id": ds["license"].get("url") or f"{uri}#license",
                   "@type": "dct:LicenseDocument",
                   "dct:identifier": ds["license"].get("id", "")}
    node: dict = {
        "@id": uri, "@type": "dcat:Dataset",
        "dct:identifier": f"{area}-{ds['id']}",
        "dct:title": _text(ds["title"]), "dct:description": _text(ds["description"]),
        "dct:publisher": _agent(ds["publisher"], f"{base}/#publisher"),
        "dcat:contactPoint": _contact(ds["contact_point"]),
        "dcat:keyword": [{"@value": k, "@language": lang}
                         for lang, words in ds["keywords"].items() for k in words],
        "dcat:theme": [{"@id": EU + "data-theme/" + t} for t in ds["themes"]],
        "dct:accrualPeriodicity": {"@id": EU + "frequency/"
                                   + FREQUENCY.get(ds["update_frequency"], "UNKNOWN")},
        "dcat:version": str(ds["version"]),
        "dcat:landingPage": {"@id": uri},
        "dcat:distribution": [_distribution(ds, d, licence) for d in ds["distributions"]],
        "og:synthetic": ds["synthetic"],
        "dct:provenance": {"@type": "dct:ProvenanceStatement", "rdfs:label": (
            "Synthetic sample data generated for testing; not an official record."
            if ds["synthetic"] else "Loaded from the publisher's source files.")},
        "dct:source": [{"@id": s["url"]} for s in ds["sources"] if s.get("url")],
    }
    for key, kind in (("created", "issued"), ("modified", "modified")):
        if _date(ds[key]):
            node[f"dct:{kind}"] = _date(ds[key])
    if ds["spatial"] and ds["spatial"].get("bbox"):
        node["dct:spatial"] = {"@type": "dct:Location", "dcat:bbox": {
            "@value": _bbox_wkt(ds["spatial"]["bbox"]), "@type": "gsp:wktLiteral"}}
    temporal = ds["temporal"] or {}
    if temporal.get("start") or temporal.get("end"):
        period = {"@type": "dct:PeriodOfTime"}
        if temporal.get("start"):
            period["dcat:startDate"] = _date(str(temporal["start"]))
        if temporal.get("end"):
            period["dcat:endDate"] = _date(str(temporal["end"]))
        node["dct:temporal"] = period
    return node


def catalog_jsonld(datasets: list[dict], base: str, region: str = "Quảng Nam",
                   area: str = "quang-nam", publisher: dict | None = None) -> dict:
    """The whole catalogue of ``region`` (``area``: its slug) as one JSON-LD document;
    ``publisher``: the catalogue's (default: the first dataset's)."""
    publisher = publisher or (datasets[0]["publisher"] if datasets else {"name": "opengov"})
    sample = any(ds["synthetic"] for ds in datasets)
    return {
        "@context": {**CONTEXT, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        "@id": f"{base}/catalog", "@type": "dcat:Catalog",
        "dct:identifier": f"opengov-{area}",
        "dct:title": _text({"vi": f"Danh mục dữ liệu mở opengov – {region}",
                            "en": f"opengov open-data catalogue – {region}"}),
        "dct:description": _text({
            "vi": "Các bộ dữ liệu công bố qua API opengov"
                  + ("; dữ liệu mẫu là dữ liệu tổng hợp." if sample else "."),
            "en": "Datasets published through the opengov API"
                  + ("; the sample datasets are synthetic." if sample else ".")}),
        "dct:publisher": _agent(publisher, f"{base}/#publisher"),
        "foaf:homepage": {"@id": f"{base}/"},
        "dcat:dataset": [dataset_node(ds, base, area) for ds in datasets],
    }


def to_turtle(document: dict) -> str:
    """The same graph in Turtle (rdflib parses the inlined context without network)."""
    from rdflib import Graph

    graph = Graph()
    with warnings.catch_warnings():  # rdflib 7.x's JSON-LD parser uses its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=json.dumps(document), format="json-ld")
    for prefix, ns in document["@context"].items():
        graph.bind(prefix, ns)
    return graph.serialize(format="turtle")
