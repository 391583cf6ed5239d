"""The arrows point inward: the domain and the handlers know nothing of SOAP, HTTP or SQL; imports stay cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ocpp_soap

PACKAGE = Path(ocpp_soap.__file__).resolve().parent
FRAMEWORKS = ("spyne", "zeep", "lxml", "flask", "sqlalchemy", "werkzeug")
OUTER_LAYERS = ("ocpp_soap.soap", "ocpp_soap.persistence", "ocpp_soap.webapp", "webapp")


def module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    return imported_modules_of(path, PACKAGE.parent)


def imported_modules_of(path: Path, root: Path) -> set[str]:
    """Every module a file imports, anywhere in it (also inside functions), with relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root) if path.name == "__init__.py" else module_name(path, root).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            found.add(target)
            # ``from . import stations`` imports the module ``<package>.stations``
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def offending(modules: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {m for m in modules if any(m == f or m.startswith(f + ".") for f in forbidden)}


def python_files(subpackage: str) -> list[Path]:
    files = sorted((PACKAGE / subpackage).rglob("*.py"))
    assert files, f"no modules found in ocpp_soap/{subpackage}"
    return files


def test_import_parser_resolves_relative_imports() -> None:
    modules = imported_modules(PACKAGE / "handlers" / "stations.py")
    assert {"ocpp_soap.domain", "ocpp_soap.domain.station_messages", "ocpp_soap.handlers.access"} <= modules


@pytest.mark.parametrize("path", python_files("domain"), ids=lambda p: p.name)
def test_the_domain_imports_no_framework_and_no_outer_layer(path: Path) -> None:
    assert offending(imported_modules(path), FRAMEWORKS + OUTER_LAYERS) == set()


@pytest.mark.parametrize("path", python_files("domain"), ids=lambda p: p.name)
def test_the_domain_depends_on_nothing_of_ours_outside_it(path: Path) -> None:
    ours = {m for m in imported_modules(path) if m == "ocpp_soap" or m.startswith("ocpp_soap.")}
    assert {m for m in ours if not m.startswith("ocpp_soap.domain")} == set()


@pytest.mark.parametrize("path", python_files("handlers"), ids=lambda p: p.name)
def test_handlers_import_no_framework(path: Path) -> None:
    assert offending(imported_modules(path), ("spyne", "zeep", "lxml", "flask", "sqlalchemy")) == set()


@pytest.mark.parametrize("path", python_files("handlers"), ids=lambda p: p.name)
def test_handlers_do_not_reach_into_the_edges(path: Path) -> None:
    assert offending(imported_modules(path), OUTER_LAYERS) == set()


@pytest.mark.parametrize("path", python_files("handlers"), ids=lambda p: p.name)
def test_handlers_get_their_settings_from_the_bootstrap(path: Path) -> None:
    assert offending(imported_modules(path), ("ocpp_soap.config",)) == set()


WEBAPP = PACKAGE.parent / "webapp"


@pytest.mark.parametrize("path", sorted(WEBAPP.rglob("*.py")), ids=lambda p: str(p.relative_to(WEBAPP)))
def test_the_web_app_does_not_reach_into_the_soap_edge(path: Path) -> None:
    """Which versions exist and what each has, the web app reads from the version registry, not the SOAP edge."""
    modules = imported_modules_of(path, WEBAPP.parent)
    assert offending(modules, ("ocpp_soap.soap",)) == set()


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter, so modules this test session already imported do not hide anything."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PACKAGE.parent,
    )


def test_importing_the_domain_handlers_and_bus_loads_no_framework() -> None:
    result = run_python(
        f"""
        import sys
        import ocpp_soap.bus, ocpp_soap.config, ocpp_soap.handlers
        import ocpp_soap.domain.station_messages, ocpp_soap.domain.events, ocpp_soap.domain.errors
        import ocpp_soap.domain.model, ocpp_soap.domain.ports
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {FRAMEWORKS!r})
        assert not loaded, loaded
        """
    )
    assert result.returncode == 0, result.stderr


def test_importing_the_wsgi_module_builds_nothing() -> None:
    result = run_python(
        """
        import sqlalchemy
        engines = []
        real_create_engine = sqlalchemy.create_engine
        def counting_create_engine(*args, **kwargs):
            engines.append(args)
            return real_create_engine(*args, **kwargs)
        sqlalchemy.create_engine = counting_create_engine

        import ocpp_soap.wsgi
        assert ocpp_soap.wsgi.app._app is None, "the WSGI app was built at import time"
        assert engines == [], f"an engine was created at import time: {engines}"
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
