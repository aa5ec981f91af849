"""The import structure of ``opengov`` (docs/architecture.md, "Platform and capabilities").

- A **capability** is a top-level package or module named in :data:`opengov.modules.BUILT_IN`
  (it declares ``CAPABILITY``). Everything else under ``opengov/`` is **platform**.
- The composition roots (:data:`COMPOSITION_ROOTS`) assemble capabilities and may import them;
  no other platform module may, and ``opengov/store`` imports no capability at all.
- Top-level packages and modules import each other without cycles.
- No module keeps per-application state in module globals: a module-level name that is mutated,
  a thread-local, an ``LRU`` or a ``@cache`` is allowed only when listed in :data:`PROCESS_WIDE`
  with the reason it is not per application.

Read from the source with :mod:`ast` (imports inside functions count too).
"""

from __future__ import annotations

import ast
from pathlib import Path

from opengov.modules import BUILT_IN

PACKAGE = Path(__file__).resolve().parents[2] / "opengov"
CAPABILITIES = {name.rsplit(".", 1)[1] for name in BUILT_IN}
COMPOSITION_ROOTS = {
    "modules": "the list of built-in capabilities",
    "cli": "adds each capability's commands; `export` and `synth` call the catalogue and "
           "monitoring generators",
}
MUTATORS = {"append", "extend", "update", "setdefault", "add", "pop", "clear", "put",
            "get_or_compute", "insert", "remove", "discard", "popitem"}
CACHE_FACTORIES = {"LRU", "local", "defaultdict", "OrderedDict", "WeakValueDictionary",
                   "WeakKeyDictionary", "Counter", "deque"}

#: Module-level state that is rightly per process, not per application: (module, name) → why.
PROCESS_WIDE = {
    ("opengov.upstream.deadline", "_current"): "thread-local deadline of the running request",
    ("opengov.store.timeouts", "_local"): "thread-local statement budget of the running request",
    ("opengov.store.engine", "_query_geometries"): "thread-local: the geometry the running "
                                                   "SQLite statement tests rows against",
    ("opengov.clock", "_last"): "the clock's current second as text (same for every app)",
    ("opengov.gateway.secrets", "_known"): "credentials masked in the process's log records "
                                           "(logging is process-wide; masking more is safe)",
    ("opengov.gateway.secrets", "_installed"): "the process's log record factory, installed once",
    ("opengov.catalog.downloads", "_filter_schema"): "pure function of a collection declaration",
    ("opengov.catalog.metadata", "_yaml"): "file contents keyed by path and mtime",
    ("opengov.docschemas", "feature_schema"): "pure function of a collection declaration",
    ("opengov.docschemas", "page_schema"): "pure function of a collection declaration",
    ("opengov.docschemas", "record_schema"): "pure function of a collection declaration",
    ("opengov.geo.crs", "_transformer"): "PROJ transformers per CRS pair (immutable)",
    ("opengov.declare.model", "_canonical_crs"): "CRS text → canonical name, pure function",
    ("opengov.text", "_combining"): "the Unicode database's combining marks as a regex "
                                    "(constant for the Python build)",
    ("opengov.geo.crs", "_epsg_crs"): "EPSG code → PROJ's description, pure function",
    ("opengov.geo.crs", "east_first"): "EPSG code → PROJ's axis order, pure function",
    ("opengov.geo.crs", "on_vn2000"): "EPSG code → PROJ's datum, pure function",
    ("opengov.geo.crs", "_OFFERED"): "native CRSs offered by crs= (PROJ's own CRSs, only "
                                     "added; offering one more to every app is harmless)",
    ("opengov.declare.geometries", "area_of_use"): "EPSG code → PROJ's area, pure function",
    ("opengov.metrics", "_created"): "prometheus-client instruments are process-wide (one "
                                     "set per worker, summed by the multiprocess collector)",
    ("opengov.web.routes", "_head_revisions"): "the migration scripts shipped in the package",
    ("opengov.land.codes", "code_table"): "the code table shipped in the package",
    ("opengov.land.codes", "known_codes"): "the code table shipped in the package",
    ("opengov.land.places", "communes"): "the admin units shipped in the package (or a given "
                                         "folder: keyed by it)",
    ("opengov.ogcapi.cql2", "_property_types"): "pure function of a collection declaration",
    ("opengov.ogcapi.queryables", "queryable_properties"): "pure function of a declaration",
    ("opengov.ogcapi.routes", "build"): "blueprint per set of (immutable) collection "
                                        "declarations; one blueprint serves several apps",
    ("opengov.tiles.routes", "build"): "blueprint per set of (immutable) collection "
                                       "declarations; one blueprint serves several apps",
    ("opengov.sample", "sample_datasets"): "where the package's sample is installed",
    ("opengov.synth.adminunits", "load_units"): "generator input shipped in the package",
    ("opengov.synth.adminunits", "unit_geometries"): "generator input shipped in the package",
    ("opengov.synth.cameras", "_model"): "generator input shipped in the package",
    ("opengov.synth.geo_sample", "_equal_area"): "generator geometry, pure function",
    ("opengov.synth.geo_sample", "outline"): "generator geometry, pure function",
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return found


MODULES = _modules()


def _top(module: str) -> str:
    """``opengov.land.routes`` → ``land``; ``opengov`` → ``""``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(tree: ast.Module) -> set[str]:
    """Absolute ``opengov.…`` modules imported anywhere in ``tree``."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            if node.module == "opengov":  # from opengov import errors
                out.update(f"opengov.{a.name}" for a in node.names)
    return {name for name in out if name.startswith("opengov.")}


def _top_level_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, tree in MODULES.items():
        source = _top(module)
        for imported in _imports(tree):
            target = _top(imported)
            if source and target and target != source and f"opengov.{target}" in MODULES:
                edges.setdefault(source, set()).add(target)
    return edges


def test_capabilities_are_the_built_in_list_and_exist():
    assert CAPABILITIES and all(f"opengov.{name}" in MODULES for name in CAPABILITIES)


def test_the_store_imports_no_capability():
    offenders = sorted(f"{module} imports {imported}"
                       for module, tree in MODULES.items() if module.startswith("opengov.store")
                       for imported in _imports(tree)
                       if _top(imported) in CAPABILITIES | {"modules", "capability", "app"})
    assert offenders == []


def test_platform_modules_import_no_capability_except_composition_roots():
    offenders = sorted(f"{module} imports {imported}"
                       for module, tree in MODULES.items()
                       if _top(module) not in CAPABILITIES | set(COMPOSITION_ROOTS)
                       for imported in _imports(tree) if _top(imported) in CAPABILITIES)
    assert offenders == []


def test_top_level_packages_import_each_other_without_cycles():
    edges = _top_level_edges()
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for target in sorted(edges.get(node, ())):
            if target in path:
                cycles.append(" → ".join(path[path.index(target):] + [target]))
            elif target not in done:
                visit(target, [*path, target])
        done.add(node)

    done: set[str] = set()
    for start in sorted(edges):
        if start not in done:
            visit(start, [start])
    assert cycles == []


def _called_name(node: ast.expr) -> str | None:
    target = node.func if isinstance(node, ast.Call) else node
    return target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)


def _declared_state(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(every module-level name assigned, those that are caches by construction)."""
    assigned: set[str] = set()
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            if any(_called_name(d) in ("cache", "lru_cache") for d in node.decorator_list):
                found.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            assigned.update(names)
            if isinstance(node.value, ast.Call) and _called_name(node.value) in CACHE_FACTORIES:
                found.update(names)
    return assigned, found


def _module_state(module: str, tree: ast.Module) -> set[str]:
    """Module-level names that look like per-process state (see the module docstring)."""
    assigned, found = _declared_state(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.update(node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name)
              and node.func.value.id in assigned):
            found.add(node.func.value.id)
        elif isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update(t.value.id for t in targets if isinstance(t, ast.Subscript)
                         and isinstance(t.value, ast.Name) and t.value.id in assigned)
    return found


def test_no_module_keeps_per_application_state():
    found = {(module, name) for module, tree in MODULES.items()
             for name in _module_state(module, tree)}
    unexplained = sorted(f"{m}.{n}" for m, n in found - set(PROCESS_WIDE))
    assert unexplained == [], "module-level state: hang it off the app (ctx.caches, " \
                              "store.caches, app.extensions) or justify it in PROCESS_WIDE"
    stale_entries = sorted(f"{m}.{n}" for m, n in set(PROCESS_WIDE) - found)
    assert stale_entries == []


def test_the_heuristic_catches_the_shapes_it_names():
    tree = ast.parse("CACHE = {}\nSEEN = LRU(8)\nN = 0\n"
                     "def f(k):\n    global N\n    CACHE[k] = 1\n    N += 1\n"
                     "@cache\ndef g():\n    return 1\n")
    assert _module_state("m", tree) == {"CACHE", "SEEN", "N", "g"}
