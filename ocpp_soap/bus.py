"""The command bus: routes each command to its one handler inside one unit of work, then publishes events.

Station messages (from the SOAP edge), operator commands and station requests (from the CLI, web app and API) all
travel this way. A handler is a plain function ``handler(command, uow, **dependencies) -> result``; the
dependencies it names in its signature (``clock``, ``auto_accept``, ...) are injected once, when the bus is built.

Handlers are registered in one of two ways, said where they are listed (``handlers/__init__.py``):

- in a transaction: the bus opens a unit of work, runs the handler, commits and publishes the events; a caller
  that owns a transaction (the SOAP edge: one request, one transaction) passes its unit of work instead;
- with their own transactions: the handler gets the unit-of-work factory instead of a unit of work. Station
  requests are such handlers, because no database transaction may stay open while a station is called.

A conflict with a concurrent transaction or a connection lost before COMMIT leaves nothing behind, so the work is
run again, a few times at most: :func:`attempts` is that policy, for the bus and for the SOAP edge alike.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import Any

from .domain.commands import Command
from .domain.errors import ConcurrencyConflict, ConnectionLost, NoHandler
from .domain.events import Event
from .domain.ports import UnitOfWork

logger = logging.getLogger(__name__)

CommandHandler = Callable[..., Any]
EventHandler = Callable[[Event], None]
UnitOfWorkFactory = Callable[[], UnitOfWork]
MAX_ATTEMPTS = 3


class Attempt:
    """One try of a unit of work: ``with attempt:`` swallows an error worth retrying unless it is the last try."""

    def __init__(self, number: int, what: str) -> None:
        self.number = number
        self.what = what
        self.done = False

    @property
    def last(self) -> bool:
        return self.number >= MAX_ATTEMPTS

    def __enter__(self) -> Attempt:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None:
            self.done = True
            return False
        if self.last or not isinstance(exc, ConcurrencyConflict | ConnectionLost):
            return False
        if isinstance(exc, ConnectionLost):
            # The pool now replaces every connection opened before this one.
            logger.info("retrying %s on a new database connection (%s)", self.what, exc)
        else:
            logger.info("retrying %s after a storage conflict (attempt %d)", self.what, self.number)
        return True


def attempts(what: str) -> Iterator[Attempt]:
    """Tries of one unit of work: ``for attempt in attempts(...): with attempt: ...`` until one gets through."""
    for number in range(1, MAX_ATTEMPTS + 1):
        attempt = Attempt(number, what)
        yield attempt
        if attempt.done:
            return


def inject(handler: CommandHandler, dependencies: Mapping[str, Any]) -> Callable[[Command, Any], Any]:
    """Bind the dependencies a handler asks for by parameter name, leaving ``(command, uow)``."""
    parameters = list(inspect.signature(handler).parameters.values())[2:]
    missing = [p.name for p in parameters if p.name not in dependencies and p.default is inspect.Parameter.empty]
    if missing:
        raise TypeError(f"handler {handler.__name__} needs {', '.join(missing)}, which the bus was not given")
    wanted = {p.name: dependencies[p.name] for p in parameters if p.name in dependencies}
    if not wanted:
        return handler

    def bound(command: Command, uow: Any) -> Any:
        return handler(command, uow, **wanted)

    bound.__name__ = handler.__name__
    return bound


class MessageBus:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        command_handlers: Mapping[type[Command], CommandHandler],
        own_transaction_handlers: Mapping[type[Command], CommandHandler] | None = None,
        event_handlers: Mapping[type[Event], list[EventHandler]] | None = None,
        dependencies: Mapping[str, Any] | None = None,
    ) -> None:
        deps = dict(dependencies or {})
        self._uow_factory = uow_factory
        self._in_transaction = {cmd: inject(h, deps) for cmd, h in command_handlers.items()}
        self._own_transactions = {cmd: inject(h, deps) for cmd, h in (own_transaction_handlers or {}).items()}
        both = set(self._in_transaction) & set(self._own_transactions)
        if both:
            raise TypeError(f"registered both ways: {', '.join(sorted(c.__name__ for c in both))}")
        self._event_handlers: dict[type[Event], list[EventHandler]] = {
            evt: list(handlers) for evt, handlers in (event_handlers or {}).items()
        }

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work, for a caller that runs several commands (or more) in one transaction."""
        return self._uow_factory()

    def handle(self, command: Command, uow: UnitOfWork | None = None) -> Any:
        """Run the command's handler; the result is the handler's.

        Without ``uow`` the bus owns the transaction: it commits on success, rolls back on any error, runs the
        handler again after a conflict or a connection lost before COMMIT, and publishes the events. Given ``uow``
        (entered by the caller), the handler joins it and nothing is committed or published: the caller owns the
        transaction, its retries and its events.
        """
        own = self._own_transactions.get(type(command))
        if own is not None:
            if uow is not None:
                raise TypeError(f"{type(command).__name__} runs its own transactions; it cannot join one")
            return own(command, self._uow_factory)
        if uow is not None:
            return self._handler(command)(command, uow)
        return self.handle_together(command)[0]

    def handle_together(self, *commands: Command) -> list[Any]:
        """Run several commands in one transaction the bus owns (all or nothing, retried and published like one);
        their results in order. For a change and the record of who made it, for instance."""
        handlers = [self._handler(command) for command in commands]
        results: list[Any] = []
        events: list[Event] = []
        for attempt in attempts(" + ".join(type(command).__name__ for command in commands)):
            with attempt, self._uow_factory() as work:
                results = [handler(command, work) for handler, command in zip(handlers, commands, strict=True)]
                work.commit()
                events = list(work.events)
        self.publish_all(events)
        return results

    def _handler(self, command: Command) -> Callable[[Command, Any], Any]:
        if type(command) in self._own_transactions:
            raise TypeError(f"{type(command).__name__} runs its own transactions; it cannot join one")
        handler = self._in_transaction.get(type(command))
        if handler is None:
            raise NoHandler(f"no handler registered for {type(command).__name__}")
        return handler

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
        return command_type in self._in_transaction or command_type in self._own_transactions
