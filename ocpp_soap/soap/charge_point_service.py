"""The ChargePointService of a version, built from its message types: every operation hands its request to
``ctx.udc.handle(operation, request)`` and returns what that returns (an instance of the response type).

The methods would all read the same, so they are made from the operation names rather than written out per
version; the types (and so the WSDL) stay in each version's ``charge_point_types`` module. An operation whose
request is empty (ClearCache, GetLocalListVersion) takes no parameter, as Spyne's bare style requires, and is
handed ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from spyne import ServiceBase

from .translation import bare


def _method(operation: str, with_request: bool) -> Callable[..., Any]:
    if with_request:

        def handle(ctx: Any, req: Any) -> Any:
            return ctx.udc.handle(operation, req)

    else:

        def handle(ctx: Any) -> Any:
            return ctx.udc.handle(operation, None)

    handle.__name__ = handle.__qualname__ = operation
    return handle


def charge_point_service(types: ModuleType, operations: Iterable[str]) -> type[ServiceBase]:
    methods: dict[str, Any] = {"__module__": types.__name__}
    for operation in operations:
        request = getattr(types, f"{operation}Request", None)
        response = getattr(types, f"{operation}Response")
        methods[operation] = bare(request, response, operation)(_method(operation, request is not None))
    return type("ChargePointService", (ServiceBase,), methods)
