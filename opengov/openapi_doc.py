"""The OpenAPI document: what every operation states beyond its own decorators, and its
deterministic rendering (the committed ``openapi/openapi.json``).

:class:`ContractPlugin` completes each operation as flask-smorest registers it (built-in,
capability and declared routes alike), so no route repeats it:

- an ``operationId`` derived from the path and method (:func:`operation_id`), unless the
  route gives one;
- its ``security``: ``[]`` (public) unless the route declares a scheme;
- the 4xx answers it can give (:func:`error_statuses`), in its API family's error format
  (RFC 9457 problem+json, or e.g. CKAN's envelope under its prefixes);
- an example for binary answers that have none, and the text formats (CSV, HTML) its ``f``
  argument offers.
"""

from __future__ import annotations

import http
import json
import re
from collections.abc import Callable

from apispec import BasePlugin
from flask import Flask

VERBS = {"post": "create", "patch": "update", "put": "replace", "delete": "delete"}
# Literal path words that look plural but name one document.
SINGULAR_WORDS = {"docs", "stats", "status", "queryables", "news"}
# Explicit status → description used when the route documents none itself.
DESCRIPTIONS = {
    400: "Invalid query or path arguments",
    401: "No API key, or an unknown or revoked one",
    403: "The key's role or scope does not allow this",
    404: "No such resource",
    406: "None of the formats in Accept (or `f`) is offered",
    409: "Invalid arguments (CKAN's validation error)",
    413: "The request body is larger than this endpoint accepts",
    415: "The body is not of a media type this endpoint accepts",
    422: "The body is well-formed but invalid",
}
# A family formatter (see :func:`opengov.errors.install_families`) documents its body with
# this attribute: ``{media type: {"schema": …, "example": …}}``.
FAMILY_CONTENT_ATTR = "openapi_content"
_PARAM = re.compile(r"\{[^}]*\}")


def render_openapi(app: Flask) -> str:
    """The document as stable, pretty JSON text (UTF-8, keys in schema order)."""
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, ensure_ascii=False, indent=2) + "\n"


def _camel(words: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words)


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.split(r"[-_.\s]+", text) if w]


def singular(word: str) -> str:
    """``cameras`` → ``camera``, ``categories`` → ``category`` (English plurals of paths)."""
    if word in SINGULAR_WORDS:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if re.search(r"(ss|sh|ch|x)es$", word):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def operation_id(method: str, path: str, rpc_name: str | None = None) -> str:
    """A readable id from the path and method: ``GET /land/parcels`` → ``listLandParcels``,
    ``GET /land/parcels/{item_id}`` → ``getLandParcel``, ``POST /reports`` → ``createReport``,
    ``PATCH /reports/{report_id}`` → ``updateReport``.

    Every path word but the last is singular; a final plural word of a GET is a list (and a
    POST creates one of it). A path segment ``name.{format}`` is the word ``name`` (the
    format is an extension). ``rpc_name`` (``blueprint.endpoint`` of an endpoint answering
    GET and POST alike, as CKAN's actions do) gives ``ckanPackageList`` /
    ``ckanPackageListPost`` instead.
    """
    if rpc_name is not None:
        blueprint, _, endpoint = rpc_name.partition(".")
        name = blueprint[:1].lower() + _camel(_words(blueprint))[1:] + _camel(_words(endpoint))
        return name + ("Post" if method == "post" else "")
    segments = [s for s in path.strip("/").split("/") if s]
    words: list[str] = []
    ends_with_param = False
    for segment in segments:
        ends_with_param = segment.startswith("{")
        words.extend(_words(_PARAM.sub(" ", segment)))
        if ends_with_param and words:  # the word before an id names one thing
            words[-1] = singular(words[-1])
    *head, last = words or ["landing"]
    head = [singular(w) for w in head]
    # ``…/collections/cameras``: the word after ``collections`` is a collection's id.
    plural = (not ends_with_param and singular(last) != last
              and not (head and head[-1] == "collection"))
    if method == "get":
        verb = "list" if plural else "get"
    else:
        verb = VERBS.get(method, method)
        if plural and method == "post":
            last = singular(last)
    return verb + _camel([*head, last])


def _params(operation: dict, where: str) -> list[dict]:
    return [p for p in operation.get("parameters", []) if isinstance(p, dict)
            and p.get("in") == where]


def error_statuses(operation: dict, has_path_params: bool) -> set[int]:
    """The 4xx statuses ``operation`` can answer, from what it takes:

    query arguments → 400 (and 406 with an ``f`` format argument); a path argument → 404 (no
    such resource); a body → 413, 415, 422; a required API key → 401, 403. Any request with a body
    over the cap is 413, so an operation that takes nothing documents that one.
    """
    query = _params(operation, "query")
    statuses = set()
    if query:
        statuses.add(400)
    if any(p["name"] == "f" for p in query):
        statuses.add(406)
    if has_path_params:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {413, 415, 422}
    requirements = operation.get("security") or []
    if requirements and all(requirements):  # a key is required (``{}`` would make it optional)
        statuses |= {401, 403}
    documented = {int(code) for code in operation.get("responses", {}) if str(code).isdigit()}
    if not statuses and not any(400 <= code < 500 for code in documented):
        statuses.add(413)
    return statuses


class ContractPlugin(BasePlugin):
    """Completes every operation: ``operationId``, ``security``, 4xx answers, examples.

    ``families()`` gives the application's ``(path prefix, formatter)`` error families.
    """

    def __init__(self, families: Callable[[], tuple] = tuple):
        super().__init__()
        self._families = families
        self._ids: set[str] = set()

    def _family_content(self, path: str) -> dict | None:
        for prefix, formatter in self._families():
            if path.startswith(prefix):
                return getattr(formatter, FAMILY_CONTENT_ATTR, None)
        return None

    def _unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self._ids:
            candidate, n = f"{name}{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def schema_helper(self, name, definition, **kwargs):
        """Schema-level keywords a marshmallow schema states in ``Meta.openapi`` (such as
        ``minProperties``), which apispec has no field for."""
        return dict(getattr(getattr(kwargs.get("schema"), "Meta", None), "openapi", {}))

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        methods = set(operations or {})
        rpc = rule.endpoint if rule is not None and {"get", "post"} <= methods else None
        has_path_params = bool(rule.arguments) if rule is not None else "{" in (path or "")
        family = self._family_content(path or "")
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            if "operationId" not in operation:
                operation["operationId"] = self._unique(operation_id(method, path, rpc))
            if rpc and method == "post":
                _query_to_json_body(operation)
            operation.setdefault("security", [])
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(operation, has_path_params)):
                if str(status) not in responses and status not in responses:
                    responses[str(status)] = _error_response(status, family)
            if family is not None:
                _in_family_format(responses, family)
            _complete_binary_examples(responses)
            _formats_of_f(operation, responses)


def _query_to_json_body(operation: dict) -> None:
    """An action answering GET and POST alike (CKAN's) reads its arguments from the query
    string on GET and from a JSON object on POST, whose invalid fields are a 409."""
    query = _params(operation, "query")
    if not query:
        return
    operation["parameters"] = [p for p in operation["parameters"] if p not in query]
    properties = {p["name"]: {**p.get("schema", {}), "description": p.get("description", "")}
                  for p in query}
    operation["requestBody"] = {"required": False, "content": {"application/json": {
        "schema": {"type": "object", "properties": properties}}}}
    operation.setdefault("responses", {}).setdefault("409", "CONFLICT")


def _error_response(status: int, family: dict | None):
    """A response for ``status``: the shared problem+json component, or the family's body."""
    if family is None:
        return http.HTTPStatus(status).name  # apispec turns it into a components $ref
    return {"description": DESCRIPTIONS.get(status, http.HTTPStatus(status).phrase),
            "content": family}


def _in_family_format(responses: dict, family: dict) -> None:
    """Error responses documented as problem+json (shared components) in the family format."""
    for code, response in list(responses.items()):
        if str(code) == "default" or str(code)[:1] in "45":
            if isinstance(response, str):
                phrase = ("Error" if str(code) == "default"
                          else http.HTTPStatus(int(code)).phrase)
                responses[code] = {"description": DESCRIPTIONS.get(
                    int(code) if str(code).isdigit() else 0, phrase), "content": family}


# Formats an ``f`` argument may name that are text of their own (JSON ones have their schema).
TEXT_FORMATS = {"csv": ("text/csv", "id,…"), "html": ("text/html", "<!doctype html>…")}


def _formats_of_f(operation: dict, responses: dict) -> None:
    """The 200 answer in every text format its ``f`` argument offers (CSV, HTML)."""
    ok = responses.get("200") or responses.get(200)
    f = next((p for p in _params(operation, "query") if p["name"] == "f"), None)
    if not isinstance(ok, dict) or "content" not in ok or f is None:
        return
    for name in f.get("schema", {}).get("enum", []):
        media_type, example = TEXT_FORMATS.get(name, (None, None))
        if media_type and media_type not in ok["content"]:
            ok["content"][media_type] = {"schema": {"type": "string"}, "example": example}


def _complete_binary_examples(responses: dict) -> None:
    for code, response in responses.items():
        if not str(code).startswith("2") or not isinstance(response, dict):
            continue
        for media_type, content in response.get("content", {}).items():
            schema = content.get("schema")
            if (isinstance(schema, dict) and schema.get("format") == "binary"
                    and "example" not in content and "examples" not in content):
                content["example"] = f"<{media_type} bytes>"
