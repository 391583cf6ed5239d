"""The command bus: routes each command to its one handler inside one unit of work, then publishes events.

Station messages (from the SOAP add-ons) and operator actions (from the CLI, web app and API) travel the same
way. A handler is a plain function ``handler(command, uow, **dependencies) -> result``; the dependencies it
names in its signature (``clock``, ``settings``, ...) are injected once, when the bus is built.

A handler whose second parameter is ``uow_factory`` instead of ``uow`` runs its own transactions: operator
commands toward stations do, because no database transaction may stay open while a station is called.

A station's SOAP request is one transaction however many commands its operation dispatches: the SOAP edge runs
it with :meth:`MessageBus.in_transaction`, passing that unit of work to :meth:`MessageBus.handle` for each command
and adding its message-log entry; the bus commits, retries what may be retried and publishes the events.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .domain.commands import Command
from .domain.errors import ConcurrencyConflict, ConnectionLost, NoHandler
from .domain.events import Event
from .domain.ports import UnitOfWork

logger = logging.getLogger(__name__)
T = TypeVar("T")

CommandHandler = Callable[..., Any]
EventHandler = Callable[[Event], None]


def inject(handler: CommandHandler, dependencies: Mapping[str, Any]) -> Callable[[Command, UnitOfWork], Any]:
    """Bind the dependencies a handler asks for by parameter name, leaving ``(command, uow)``."""
    parameters = list(inspect.signature(handler).parameters.values())[2:]
    missing = [p.name for p in parameters if p.name not in dependencies and p.default is inspect.Parameter.empty]
    if missing:
        raise TypeError(f"handler {handler.__name__} needs {', '.join(missing)}, which the bus was not given")
    wanted = {p.name: dependencies[p.name] for p in parameters if p.name in dependencies}
    if not wanted:
        return handler

    def bound(command: Command, uow: UnitOfWork) -> Any:
        return handler(command, uow, **wanted)

    bound.__name__ = handler.__name__
    return bound


class MessageBus:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        command_handlers: Mapping[type[Command], CommandHandler],
        event_handlers: Mapping[type[Event], list[EventHandler]] | None = None,
        dependencies: Mapping[str, Any] | None = None,
    ) -> None:
        deps = dict(dependencies or {})
        self._uow_factory = uow_factory
        self._command_handlers = {cmd: inject(h, deps) for cmd, h in command_handlers.items()}
        self._own_transactions = {
            cmd for cmd, h in command_handlers.items() if list(inspect.signature(h).parameters)[1:2] == ["uow_factory"]
        }
        self._event_handlers: dict[type[Event], list[EventHandler]] = {
            evt: list(handlers) for evt, handlers in (event_handlers or {}).items()
        }

    MAX_ATTEMPTS = 3

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work, for a caller that runs several commands (or more) in one transaction."""
        return self._uow_factory()

    def handle(self, command: Command, uow: UnitOfWork | None = None) -> Any:
        """Run the command's handler in one transaction; commit on success, roll back on any error.

        When storage reports a conflict with a concurrent transaction (two first boots of one station on two
        workers, a deadlock), nothing of the attempt remains, so the command is run again, a few times at most.

        Given ``uow`` (entered by the caller), the handler runs inside it and nothing is committed or published:
        the caller owns the transaction, its retry and its events.
        """
        try:
            handler = self._command_handlers[type(command)]
        except KeyError:
            raise NoHandler(f"no handler registered for {type(command).__name__}") from None
        if uow is not None:
            if type(command) in self._own_transactions:
                raise TypeError(f"{type(command).__name__} runs its own transactions; it cannot join one")
            return handler(command, uow)
        if type(command) in self._own_transactions:
            return handler(command, self._uow_factory)  # type: ignore[arg-type]
        return self.in_transaction(lambda work_uow: handler(command, work_uow), what=type(command).__name__)

    def in_transaction(
        self,
        work: Callable[[UnitOfWork], T],
        *,
        what: str,
        on_conflict: Callable[[], T | None] | None = None,
    ) -> T:
        """Run ``work`` in a new unit of work, commit, then publish its events; return what ``work`` returned.

        A storage conflict (two first boots of one station on two workers, a deadlock) or a connection the server
        dropped before the COMMIT was sent leaves nothing of the attempt, so ``work`` runs again, a few times at
        most; then the error propagates. ``on_conflict`` may settle a conflict instead: what it returns (when not
        None) is the result, with nothing committed by this call.
        """
        for attempt in range(1, self.MAX_ATTEMPTS + 1):
            try:
                with self._uow_factory() as uow:
                    result = work(uow)
                    uow.commit()
                    events = list(uow.events)
                break
            except ConcurrencyConflict:
                settled = on_conflict() if on_conflict is not None else None
                if settled is not None:
                    return settled
                if attempt == self.MAX_ATTEMPTS:
                    raise
                logger.info("retrying %s after a storage conflict (attempt %d)", what, attempt)
            except ConnectionLost as exc:
                if attempt == self.MAX_ATTEMPTS:
                    raise
                # The pool now replaces every connection opened before this one.
                logger.info("retrying %s on a new database connection (%s)", what, exc)
        self.publish_all(events)
        return result

    def publish_all(self, events: list[Event]) -> None:
        for event in events:
            self.publish(event)

    def subscribe(self, event_type: type[Event], handler: EventHandler) -> None:
        self._event_handlers.setdefault(event_type, []).append(handler)

    def publish(self, event: Event) -> None:
        """Deliver an event to its subscribers; a failing subscriber is logged and never fails the command."""
        for handler in self._event_handlers.get(type(event), ()):
            try:
                handler(event)
            except Exception:
                logger.exception("event handler %s failed on %r", getattr(handler, "__name__", handler), event)

    def handles(self, command_type: type[Command]) -> bool:
        return command_type in self._command_handlers
