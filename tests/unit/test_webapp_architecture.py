"""The web app's arrows: it reaches ocpp_soap through ``webapp/core.py`` only (so that a rename there is one edit),
the ORM from the read model only, and never the SOAP edge outside the one function that says so; the API's
modules do not import the pages' and the pages import no API internals but its error mapping and CSV writer."""

from __future__ import annotations

import ast
from pathlib import Path

import webapp

WEBAPP = Path(webapp.__file__).resolve().parent


def _modules() -> dict[str, set[str]]:
    found = {}
    for path in sorted(WEBAPP.rglob("*.py")):
        name = ".".join(path.relative_to(WEBAPP.parent).with_suffix("").parts).removesuffix(".__init__")
        found[name] = imported_modules_of(path)
    return found


def imported_modules_of(path: Path) -> set[str]:
    """Every module a file imports (also inside functions), relative imports resolved against webapp."""

    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = list(path.relative_to(WEBAPP.parent).with_suffix("").parts)
    package = parts if path.name == "__init__.py" else parts[:-1]
    package = [p for p in package if p != "__init__"]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - (node.level - 1)] if node.level else []
            target = ".".join([*base, node.module] if node.module else base) if node.level else (node.module or "")
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def test_ocpp_soap_is_reached_through_core_and_the_orm_through_the_read_model() -> None:
    for module, imports in _modules().items():
        ours = {m for m in imports if m.startswith("ocpp_soap")}
        if module == "webapp.core":
            assert not {m for m in ours if m.startswith("ocpp_soap.persistence.orm")}
            continue
        if module.startswith("webapp.readmodel."):
            tables = ("ocpp_soap.persistence.orm", "ocpp_soap.persistence.relay_orm")
            assert all(m in tables or m.startswith(tuple(f"{t}." for t in tables)) for m in ours), module
            continue
        assert not ours, (module, ours)


def test_the_soap_edge_is_not_read_at_all() -> None:
    """Versions and their operations come from the version registry, fields from the operation specs."""
    for module, imports in _modules().items():
        soap = {m for m in imports if m.startswith("ocpp_soap.soap")}
        assert not soap, (module, soap)


def test_pages_and_api_share_the_read_model_not_each_other() -> None:
    for module, imports in _modules().items():
        if module.startswith("webapp.api"):
            assert not {m for m in imports if m.startswith("webapp.ui")}, module
        if module.startswith("webapp.ui"):
            api = {m for m in imports if m.startswith("webapp.api")}
            assert api <= {"webapp.api.routing", "webapp.api.routing.from_domain", "webapp.api.transactions",
                           "webapp.api.transactions.csv_response", "webapp.api.openapi",
                           "webapp.api.openapi.document"}, (module, api)
