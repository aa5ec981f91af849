"""Catalogue datasets as CKAN packages and resources, and CKAN-style search over them."""

from __future__ import annotations

import re

from opengov.catalog.metadata import matches
from opengov.catalog.service import all_datasets, one_dataset
from opengov.errors import ApiError
from opengov.text import fold

EXAMPLE = {
    "id": "cameras", "name": "cameras", "title": "Public cameras (sample)",
    "notes": "SYNTHETIC list of cameras…", "license_id": "CC-BY-4.0", "state": "active",
    "type": "dataset", "private": False, "version": "3", "num_resources": 1, "num_tags": 1,
    "tags": [{"name": "cameras", "display_name": "cameras"}],
    "groups": [{"name": "TRAN", "title": "TRAN"}],
    "organization": {"name": "opengov-sample-data", "title": "opengov sample data"},
    "resources": [{"id": "cameras.csv", "package_id": "cameras", "name": "cameras (csv)",
                   "format": "CSV", "mimetype": "text/csv", "position": 0,
                   "url": "https://example.org/datasets/cameras/download.csv",
                   "size": 51234, "hash": "sha256:9f86d081884c7d65…"}],
    "extras": [{"key": "synthetic", "value": "true"}],
}


def _slug(text: str) -> str:
    """A CKAN name: lower-case ASCII letters, digits, `_` and `-` (`Sở TT&TT` → `so-tt-tt`)."""
    return "-".join(re.findall(r"[a-z0-9_]+", fold(text)))


def resource_key(dist: dict) -> str:
    """A distribution's part of its resource id: the format, or ``<YYYY-MM>.csv`` for an
    extract."""
    return f"{dist['period']}.{dist['format']}" if dist.get("period") else dist["format"]


def resource(resource_id: str, ds: dict | None = None) -> dict:
    """``<dataset>.<format>`` (or ``<dataset>.<YYYY-MM>.csv``) as a CKAN resource."""
    dataset_id, _, key = resource_id.partition(".")
    try:
        ds = ds or one_dataset(dataset_id)
    except ApiError as exc:
        raise ApiError(404, f"No resource {resource_id!r}.") from exc
    for position, dist in enumerate(ds["distributions"]):
        if resource_key(dist) == key:
            fmt = dist["format"]
            return {"id": resource_id, "package_id": ds["id"],
                    "name": f"{ds['title']['en']} ({key})", "format": fmt.upper(),
                    "mimetype": dist["media_type"].split(";")[0], "url": dist["url"],
                    "size": dist["byte_size"],
                    "hash": f"sha256:{dist['sha256']}" if dist["sha256"] else "",
                    "position": position, "state": "active",
                    "datastore_active": fmt == "csv" and not dist.get("period"),
                    "last_modified": ds["modified"]}
    raise ApiError(404, f"No resource {resource_id!r}.")


def package(ds: dict) -> dict:
    """A catalogue dataset as a CKAN package dictionary."""
    tags = [*ds["keywords"]["en"], *ds["keywords"]["vi"]]
    lic = ds["license"] or {}
    publisher = ds["publisher"].get("name", "")
    return {
        "id": ds["id"], "name": ds["id"], "title": ds["title"]["en"],
        "notes": ds["description"]["en"], "url": ds["links"][0]["href"],
        "license_id": lic.get("id", "notspecified"), "license_url": lic.get("url", ""),
        "license_title": lic.get("id", "License not specified"),
        "author": publisher, "maintainer": ds["contact_point"].get("name", ""),
        "maintainer_email": ds["contact_point"].get("email", ""),
        "metadata_created": ds["created"], "metadata_modified": ds["modified"],
        "version": str(ds["version"]), "state": "active", "private": False, "type": "dataset",
        "tags": [{"name": t, "display_name": t} for t in tags], "num_tags": len(tags),
        "groups": [{"name": t, "title": t} for t in ds["themes"]],
        "organization": {"name": _slug(publisher), "title": publisher},
        "resources": [resource(f"{ds['id']}.{resource_key(d)}", ds)
                      for d in ds["distributions"]],
        "num_resources": len(ds["distributions"]),
        "extras": [{"key": "synthetic", "value": str(ds["synthetic"]).lower()},
                   {"key": "title_vi", "value": ds["title"].get("vi", "")},
                   {"key": "record_count", "value": str(ds["record_count"])},
                   {"key": "update_frequency", "value": ds["update_frequency"]}],
    }


def packages() -> list[dict]:
    """Every dataset as a package (sizes and checksums of the files built so far)."""
    return [package(ds) for ds in all_datasets()]


def names() -> list[str]:
    return sorted(ds["id"] for ds in all_datasets())


def show(dataset_id: str) -> dict:
    try:
        return package(one_dataset(dataset_id))
    except ApiError as exc:
        raise ApiError(404, "Not found") from exc


def _fq_match(pkg: dict, fq: str) -> bool:
    """Solr-like ``field:value`` terms (quotes allowed), all of which must hold."""
    for term in fq.split():
        name, sep, value = term.partition(":")
        if not sep:
            raise ApiError(409, f"fq term {term!r} is not field:value.")
        value = fold(value.strip('"'))
        if name == "tags":
            found = {fold(t["name"]) for t in pkg["tags"]}
        elif name == "groups":
            found = {fold(g["name"]) for g in pkg["groups"]}
        elif name == "res_format":
            found = {fold(r["format"]) for r in pkg["resources"]}
        elif name == "organization":
            found = {fold(pkg["organization"]["name"])}
        elif name in ("name", "license_id"):
            found = {fold(pkg[name])}
        else:
            raise ApiError(409, f"fq cannot filter on {name!r}; use tags, groups, name, "
                                "res_format, organization or license_id.")
        if value not in found:
            return False
    return True


def search(q: str, fq: str, rows: int, start: int) -> dict:
    """package_search: folded words of ``q`` and the ``fq`` terms; sorted by name."""
    words = "" if q.strip() in ("", "*:*") else q
    found = [package(ds) for ds in sorted(all_datasets(), key=lambda d: d["id"])
             if matches(ds, q=words)]
    found = [p for p in found if _fq_match(p, fq)]
    return {"count": len(found), "results": found[start:start + rows], "sort": "name asc",
            "facets": {}, "search_facets": {}}
