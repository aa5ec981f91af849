"""Fuzz every operation of the live OpenAPI document: no request may answer 5xx.

schemathesis reads the OpenAPI document (the committed file, which the app is checked to serve
unchanged, so test items exist per operation at collection time), calls the in-process WSGI app
and, per operation, sends the schema's boundary cases (its coverage phase: too long, too large,
wrong type, missing, …) and then generated requests, valid and invalid. Each answer must not be
a 5xx, and an error answer must be a problem+json (or its family's error format) without a
trace.

- Anonymous reads run against the shared read-only ``loaded_app``.
- Writes, and operations that take an API key, run against a throwaway app of their own (the
  small sample, keys for every role, one submitted report) so they never disturb other tests;
  each case is sent once as generated and once with a key that has the role the operation needs,
  and a case naming a report is sent once more with a real report id and its ETag, so the
  fuzzer gets past 401, 404 and 412 into the body handling.

A second, fixed sweep sends a list of known-hostile values (huge integers, NaN, NUL, invalid
UTF-8, extreme datetimes, …) into every query and path parameter of every anonymous read: values
a generator rarely draws but attackers try first.

Runs are deterministic (derandomized). ``OPENGOV_FUZZ_EXAMPLES`` sets the generated examples
per operation (default 10, which keeps CI to a few minutes); see docs/security.md for a longer
run by hand.
"""

from __future__ import annotations

import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from opengov.keys import create_key
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, REPO, make_app, new_database_url, sample_loaders

pytestmark = pytest.mark.slow

FUZZ_EXAMPLES = int(os.environ.get("OPENGOV_FUZZ_EXAMPLES", "10"))
FUZZ_SETTINGS = settings(max_examples=FUZZ_EXAMPLES, derandomize=True, database=None,
                         deadline=None, suppress_health_check=list(HealthCheck))
PROBLEM = "application/problem+json"
# The WSGI client does not decompress: ask for plain bodies (compression has its own tests).
PLAIN = {"Accept-Encoding": "identity"}
# The committed document; `writable` checks the app serves exactly this (tests/test_openapi.py
# checks it against the code), so every operation the app has is fuzzed.
COMMITTED = REPO / "openapi" / "openapi.json"
# Every role a key can have, and the one each protected path needs.
ROLES = ("admin", "dispatcher", "official", "app", "ingest")
INGEST_PREFIX = "/monitoring/"


# Families with an error format of their own (Open311 error arrays, CKAN envelopes).
ERROR_MEDIA = {"/open311/": {"application/json", "text/xml"}, "/api/": {"application/json"}}


def no_trace_in_errors(ctx, response, case):
    """A 4xx answer is a problem+json (or its family's error format) and never shows a trace."""
    if 400 <= response.status_code < 500:
        label = case.operation.label
        assert "Traceback" not in response.text, f"{label}: trace in the answer"
        media = response.headers.get("content-type", [""])[0].split(";")[0]
        allowed = next((types for prefix, types in ERROR_MEDIA.items()
                        if case.operation.path.startswith(prefix)), {PROBLEM})
        assert media in allowed, f"{label} answered {response.status_code} as {media!r}"
    return None


# Arguments whose validity JSON Schema cannot state: a schema-valid value may still be refused
# (400/422) for these, and only these, reasons.
BEYOND_SCHEMA = {
    "cursor": "an opaque token taken from a next/prev link",
    "filter": "CQL2 text or JSON: a grammar",
    "datetime": "an ISO 8601 instant or interval (`a/b`, `../b`): a grammar",
    "bbox": "four numbers whose ranges differ by position",
    "z/x/y": "a tile's x and y are below 2^z",
    "from": "`from` and `to` go together",
    "to": "`from` and `to` go together",
    "zoom": "`zoom` and `simplify` exclude each other",
    "simplify": "`zoom` and `simplify` exclude each other",
    "id": "CKAN: `id` is required, in the query string (GET) or the JSON body (POST)",
    "resource_id": "CKAN: `resource_id` is required, in the query string or the JSON body",
    "filters": "CKAN: a JSON object written as text",
    "address_string": "Open311: a location is lat/long, address_string or address_id",
    "address": "a report's location is lon/lat or an address",
    "lat": "`lat` and `long` go together",
    "long": "`lat` and `long` go together",
    "Idempotency-Key": "a key names one submission: reused with another body is refused",
    "row …": "readings name a station and a parameter that exist, once per batch",
    "note": "rejecting a report needs a reason in `note` (a condition on `status`)",
    "station": "station codes are trimmed of Unicode whitespace (U+001C–U+001F too) before "
               "their length is checked; JSON Schema's \\S does not count those as blank",
    "event …": "dossier events follow their dossier's state machine and name a procedure "
               "of the catalogue (data), in time order across batches",
    "agency": "an agency that exists",
    "category": "a category that exists (categories are a dataset, replaced by loads)",
    "attribute[…]": "answers to a category's attributes: the codes depend on the category",
    "properties": "OGC items: the property names depend on the collection in the path "
                  "(the /land lists, one path per collection, enumerate theirs)",
}
NUL_REFUSED = "text must not contain NUL characters"
# Answers that blame no field, still to be fixed in the document or the app:
# (operation, status) → reason.
KNOWN_OPERATION_GAPS = {
    ("POST /reports", 422): "multipart: besides the listed fields only `attribute[code]` ones "
                            "are taken, which OpenAPI 3.0 cannot state (no patternProperties)",
}


def _beyond_schema(field: str) -> bool:
    # "attribute[…]": any answer to a category attribute; "row …": any row of a batch
    return (field in BEYOND_SCHEMA or field.startswith("attribute[")
            or re.fullmatch(r"(row|event) \d+", field) is not None)


def _refused_fields(response) -> set[str]:
    """The argument names an error answer blames (problem+json, CKAN or Open311 format)."""
    descriptions = re.findall(r"<description>(.*?)</description>", response.text, re.S)
    try:
        body = json.loads(response.text)
    except ValueError:  # Open311's XML error array
        body = [{"description": d} for d in descriptions]
    if isinstance(body, list):  # Open311: "…: <field>: <message>"
        found = {m for e in body for m in re.findall(r"(\w+): ", str(e.get("description", "")))}
        return found - {"for"}  # "Invalid value for: …"
    if isinstance(body.get("error"), dict):  # CKAN
        return set(body["error"]) - {"__type", "message"}
    blamed = body.get("errors") or []  # a refused dossier event is named by its index
    return ({e.get("field") for e in blamed if e.get("field")}
            | {f"event {e['index']}" for e in blamed if "index" in e and not e.get("field")})


def positive_data_accepted(ctx, response, case):
    """schemathesis' positive_data_acceptance, but a 400/422 blaming only arguments of
    :data:`BEYOND_SCHEMA` (or an answer of :data:`KNOWN_OPERATION_GAPS`) is accepted."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        fields = _refused_fields(response)
        if response.status_code in (400, 422) and fields and all(map(_beyond_schema, fields)):
            return None
        if response.status_code in (400, 422) and NUL_REFUSED in response.text:
            return None  # no text may carry NUL: one rule for every argument (docs/api.md)
        if (case.operation.label, response.status_code) in KNOWN_OPERATION_GAPS:
            return None
        raise


def negative_data_rejected(ctx, response, case):
    """schemathesis' negative_data_rejection, tolerating one documented leniency: CKAN reads
    JSON bodies as leniently as query strings (``"10"`` or ``2.5`` as numbers, ``"true"`` as a
    boolean), as CKAN does. (GeoReport v2's "an empty optional argument is absent" is in the
    document itself: ``allowEmptyValue``.)"""
    try:
        return negative_data_rejection(ctx, response, case)
    except AcceptedNegativeData:
        if case.operation.path.startswith("/api/") and case.body is not None:
            return None
        raise


# Every response check schemathesis has (the stateful ones need links between operations):
# the answer is not a 5xx, its status, media type, headers and body are the documented ones,
# invalid data is refused with a 4xx and valid data accepted.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejected,
          positive_data_accepted, no_trace_in_errors]


def anonymous_read(ctx) -> bool:
    """A GET that takes no API key (filter for schemathesis: ``ctx.operation``)."""
    operation = ctx.operation
    return operation.method.upper() == "GET" and not operation.definition.raw.get("security")


@pytest.fixture(scope="module")
def writable(backend, postgres, tmp_path_factory):
    """A throwaway app with the small sample, a key per role and one report."""
    tmp = tmp_path_factory.mktemp(f"fuzz-{backend}")
    app = make_app(new_database_url(backend, postgres, tmp), tmp,
                   reports_rate_limit="100000/minute")
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, profile="small", generators=sample_loaders(app))
    tokens = {role: create_key(store, role, label=f"fuzz {role}")[1] for role in ROLES}
    report = app.test_client().post("/reports", json={
        "category": "pothole", "description": "Ổ gà", "lon": 108.4745, "lat": 15.5733})
    assert report.status_code == 201, report.get_data(as_text=True)
    assert app.test_client().get("/openapi.json").get_json() == json.loads(
        COMMITTED.read_text(encoding="utf-8")), "the fuzzed document is the one the app serves"
    app.config["FUZZ_TOKENS"] = tokens
    app.config["FUZZ_REPORT"] = report.get_json()["id"]
    yield app
    store.engine.dispose()


def key_for(app, operation) -> dict:
    role = "ingest" if operation.path.startswith(INGEST_PREFIX) else "admin"
    return {"Authorization": f"Bearer {app.config['FUZZ_TOKENS'][role]}"}


def with_real_report(app, case) -> bool:
    """Point ``case`` at the sample report (and its current ETag); False if it names none."""
    if "report_id" not in (case.path_parameters or {}):
        return False
    report_id = app.config["FUZZ_REPORT"]
    case.path_parameters = {**case.path_parameters, "report_id": report_id}
    if case.method.upper() == "PATCH":
        etag = app.test_client().get(f"/reports/{report_id}").headers["ETag"]
        case.headers = {**(case.headers or {}), "If-Match": etag}
    return True


SCHEMA = schemathesis.openapi.from_path(COMMITTED)


@SCHEMA.include(anonymous_read).parametrize()
@FUZZ_SETTINGS
def test_anonymous_reads_never_answer_5xx(case, loaded_app):
    case.call_and_validate(checks=CHECKS, app=loaded_app, headers=PLAIN)


@SCHEMA.exclude(anonymous_read).parametrize()
@FUZZ_SETTINGS
def test_writes_and_keyed_operations_never_answer_5xx(case, writable):
    case.call_and_validate(checks=CHECKS, app=writable, headers=PLAIN)
    case.call_and_validate(checks=CHECKS, app=writable,
                           headers={**PLAIN, **key_for(writable, case.operation)})
    if with_real_report(writable, case):
        case.call_and_validate(checks=CHECKS, app=writable,
                               headers={**PLAIN, **key_for(writable, case.operation)})


# As they appear in the URL (percent-encoded).
HOSTILE_VALUES = {
    "huge integer": "99999999999999999999999",
    "negative huge integer": "-99999999999999999999999",
    "float overflow": "1e309",
    "not a number": "nan",
    "negative": "-1",
    "empty": "",
    "NUL": "%00",
    "lone surrogate as UTF-8 bytes": "%ED%A0%80",
    "invalid UTF-8": "%FF",
    "long": "x" * 3000,
    "NaN box": "nan,nan,nan,nan",
    "huge box": "-1e308,-1e308,1e308,1e308",
    "earliest datetime, east offset": "0001-01-01T00:00:00%2B14:00",
    "latest datetime, west offset": "9999-12-31T23:59:59-14:00",
    "open interval": "../..",
    "quotes": "%27%22",
}
# A value for the other path parameters while one is being attacked (else "1").
PATH_DEFAULTS = {"collection_id": "cameras", "dataset_id": "cameras", "z": "10", "x": "816",
                 "y": "484", "format": "json", "fmt": "csv", "period": "2024-01"}


def anonymous_gets() -> list[tuple[str, list[dict]]]:
    """(path, its query and path parameters) of every GET in the document that takes no key."""
    spec = json.loads(COMMITTED.read_text(encoding="utf-8"))
    out = []
    for path, item in spec["paths"].items():
        operation = item.get("get")
        if operation and not operation.get("security"):
            params = item.get("parameters", []) + operation.get("parameters", [])
            out.append((path, [p for p in params if p["in"] in ("path", "query")]))
    return out


def attacked_url(path: str, params: list[dict], target: dict, value: str) -> str:
    """``path`` with ``value`` (URL-encoded) in ``target`` and defaults in the other path ones."""
    url = path
    for param in params:
        if param["in"] == "path":
            raw = value if param is target else PATH_DEFAULTS.get(param["name"], "1")
            url = url.replace("{" + param["name"] + "}", raw)
    if target["in"] == "query":
        url += f"?{target['name']}={value}"
    return url


@pytest.mark.parametrize(("path", "params"), anonymous_gets(), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_every_parameter_takes_hostile_values(loaded_app, path, params):
    api = loaded_app.test_client()
    failures = []
    for target in params:
        for name, value in HOSTILE_VALUES.items():
            if target["in"] == "path" and not value:
                continue
            url = attacked_url(path, params, target, value)
            response = api.get(url)
            if response.status_code >= 500 or "Traceback" in response.get_data(as_text=True):
                failures.append(f"{target['name']}={name}: {response.status_code} GET {url[:200]}")
    assert not failures, "\n".join(failures)
