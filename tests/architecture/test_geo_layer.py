"""The shared geo layer is neutral: capabilities reach geometry, CRS, ``properties`` and the
GeoJSON encoder variants through ``opengov.geo`` (and ``opengov.encoders``), never through the
OGC API's or land's modules, and ``opengov.geo`` depends on no capability and no storage.

Read from the source with :mod:`ast`, so imports inside functions count too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "opengov"
# Packages that serve one family of endpoints or data (the registry lists them in modules.py).
CAPABILITIES = ("adminunits", "cameras", "catalog", "gateway", "land", "map", "monitoring",
                "ogcapi", "procedures", "reports", "servicecentres", "tiles", "web")
# What opengov.geo may build on: itself, the Query and Collection declarations, API errors.
GEO_MAY_IMPORT = ("opengov.geo", "opengov.query", "opengov.collections", "opengov.errors",
                  "opengov.jsontext")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``opengov…`` module ``path`` imports (``from opengov import x`` as ``opengov.x``)."""
    out: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in out if name == "opengov" or name.startswith("opengov.")}


def _modules(*under: str) -> list[Path]:
    return sorted(p for sub in under for p in (PACKAGE / sub).rglob("*.py"))


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _capability(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in CAPABILITIES else None


def test_the_module_list_finds_the_capabilities():
    """The walk below would pass vacuously if it found no modules."""
    assert all((PACKAGE / c).is_dir() for c in CAPABILITIES)
    assert len(_modules(*CAPABILITIES)) > 50


@pytest.mark.parametrize("capability", [c for c in CAPABILITIES if c != "ogcapi"])
def test_no_capability_imports_the_ogc_api(capability):
    """Land, tiles, the catalogue, the map… take geo work from opengov.geo, not opengov.ogcapi
    (only the registry, opengov/modules.py, names the OGC API)."""
    offenders = {f"{_module_name(p)} imports {name}" for p in _modules(capability)
                 for name in _imports(p) if _within(name, "opengov.ogcapi")}
    assert not offenders, sorted(offenders)


def test_no_module_outside_a_capability_imports_the_ogc_api():
    shared = [p for p in PACKAGE.rglob("*.py")
              if _capability(_module_name(p)) is None and p.name != "modules.py"]
    offenders = {f"{_module_name(p)} imports {name}" for p in shared
                 for name in _imports(p) if _within(name, "opengov.ogcapi")}
    assert not offenders, sorted(offenders)


def test_no_capability_imports_land_for_geo_work():
    """Land's modules are land's: CRS, reshaping and encoders it used to lend live in geo."""
    offenders = {f"{_module_name(p)} imports {name}"
                 for p in _modules(*(c for c in CAPABILITIES if c != "land"))
                 for name in _imports(p) if _within(name, "opengov.land")}
    assert not offenders, sorted(offenders)


def test_the_geo_layer_imports_no_capability_and_no_storage():
    """opengov.geo sits below everything that uses it (the store included), so it imports
    only itself, the Query and Collection declarations, the API errors and JSON text."""
    offenders = {f"{_module_name(p)} imports {name}" for p in _modules("geo")
                 for name in _imports(p)
                 if name != "opengov" and not any(_within(name, ok) for ok in GEO_MAY_IMPORT)}
    assert not offenders, sorted(offenders)


def test_the_import_reader_sees_every_way_to_import(tmp_path, monkeypatch):
    """A check that missed function-local, relative or ``from opengov import`` imports would
    miss the easiest ways around it."""
    package = tmp_path / "opengov"
    (package / "land").mkdir(parents=True)
    module = package / "land" / "sneaky.py"
    module.write_text("from opengov import ogcapi\n"
                      "from ..ogcapi.items import COUNT_LIMIT\n"
                      "def view():\n"
                      "    import opengov.ogcapi.args as a\n"
                      "    return a\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    found = _imports(module)
    assert {"opengov.ogcapi", "opengov.ogcapi.items", "opengov.ogcapi.args"} <= found
