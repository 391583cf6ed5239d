"""Spyne services built from operation names: the operations of a version's service, each with its request and
response types from the version's types module (``BootNotificationRequest`` / ``BootNotificationResponse``).

The services describe the operations (for the WSDL and for reading and writing bodies with
:class:`~.bodies.BodyCodec`); they are never called through Spyne's own call machinery: the inbound pipeline and
the simulator read the request, decide the answer and write it themselves. An operation whose request is empty
(Heartbeat, ClearCache, GetLocalListVersion) takes no parameter, as Spyne's bare style requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from spyne import ServiceBase, rpc


def bare(request: type | None, response: type, name: str) -> Any:
    """@rpc for a document/literal bare operation whose body elements are ``nameRequest`` / ``nameResponse``."""
    lower = name[0].lower() + name[1:]
    return rpc(
        *(() if request is None else (request,)),
        _returns=response,
        _body_style="bare",
        _in_message_name=f"{lower}Request",
        _out_message_name=f"{lower}Response",
    )


def _declaration(operation: str, with_request: bool) -> Callable[..., Any]:
    def called(*args: Any) -> Any:
        raise RuntimeError(
            f"{operation} is handled by reading and writing its bodies (soap.bodies), not through Spyne's calls"
        )

    def declared(ctx: Any, req: Any) -> Any:
        return called(ctx, req)

    def declared_without_request(ctx: Any) -> Any:
        return called(ctx)

    method = declared if with_request else declared_without_request
    method.__name__ = method.__qualname__ = operation
    return method


def build_service(name: str, types: ModuleType, operations: Iterable[str]) -> type[ServiceBase]:
    """The Spyne service ``name`` with one bare operation per name, typed from ``types``."""
    methods: dict[str, Any] = {"__module__": types.__name__}
    for operation in sorted(operations):
        request = getattr(types, f"{operation}Request", None)
        response = getattr(types, f"{operation}Response")
        methods[operation] = bare(request, response, operation)(_declaration(operation, request is not None))
    return type(name, (ServiceBase,), methods)
