"""Our charge-point WSDLs: generated from each version's ChargePointService and its message types, shipped in
``wsdl/`` (``ocpp15_chargepoint.wsdl``, ``ocpp12_chargepoint.wsdl``) and used to build clients toward stations.

Regenerate a shipped file with ``render_charge_point_wsdl(version, DEFAULT_ADDRESS)`` written to
``charge_point_wsdl_path(version)``; a conformance test checks that the two stay equal.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from .addon import AddOn

DEFAULT_ADDRESS = "http://localhost/Ocpp/ChargePointService/"
"""The placeholder address the official charge-point WSDLs (and our shipped copies) carry."""

_MODULES = {"1.2": "ocpp_soap.soap.v12.charge_point", "1.5": "ocpp_soap.soap.v15.charge_point"}
WSDL_DIR = Path(__file__).resolve().parents[1] / "wsdl"
"""``ocpp_soap/wsdl``: in a checkout a link to the top-level ``wsdl/`` folder, in an installed copy the files."""


def charge_point_versions() -> list[str]:
    return sorted(_MODULES)


def charge_point_addon(version: str) -> AddOn:
    """The charge-point add-on description of an OCPP version ("1.2", "1.5")."""
    try:
        module = _MODULES[version]
    except KeyError:
        raise ValueError(
            f"no charge-point service for OCPP {version!r}; known: {', '.join(charge_point_versions())}"
        ) from None
    addon: AddOn = import_module(module).CHARGE_POINT
    return addon


def render_charge_point_wsdl(version: str, url: str = DEFAULT_ADDRESS) -> bytes:
    """The charge-point WSDL of an OCPP version, with ``url`` as the service address."""
    from .processor import build_application
    from .wsdl import WsdlDocument

    addon = charge_point_addon(version)
    return WsdlDocument(addon, build_application(addon)).render(url)


def central_system_wsdl_path(version: str) -> Path:
    """Where the shipped central-system WSDL of an OCPP version is (``wsdl/ocpp15_centralsystem.wsdl``)."""
    from .registry import addon_for_version

    addon_for_version(version)  # refuse unknown versions
    return WSDL_DIR / f"ocpp{version.replace('.', '')}_centralsystem.wsdl"


def charge_point_wsdl_path(version: str) -> Path:
    """Where the shipped charge-point WSDL of an OCPP version is (``wsdl/ocpp15_chargepoint.wsdl``)."""
    charge_point_addon(version)  # refuse unknown versions
    return WSDL_DIR / f"ocpp{version.replace('.', '')}_chargepoint.wsdl"
