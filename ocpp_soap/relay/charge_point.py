"""One relayed station as an OCPP 1.6-J charge point on its WebSocket: mobilityhouse's ``ocpp`` ChargePoint, with
what the relay needs on top.

- :meth:`RelayChargePoint.exchange` sends a CALL whose payload is already in 1.6-J form and returns what came of
  it as a value (answer, CALLERROR, timeout, socket closed), with the frames as they went over the socket. Both
  the CALL and the answer are validated against the 1.6 schemas by the library.
- Every 1.6 action has an explicit ``@on`` handler (:func:`_handler`), so the library's own fallback never answers
  (it would say ``NotImplemented`` for a known action, which OCPP-J reserves for unknown ones); an action that is
  not 1.6 at all gets ``NotImplemented`` here. Handlers run as tasks, one at a time per station (a SOAP station
  takes one command at a time), so a slow station never holds up the answers to the relay's own CALLs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ocpp.charge_point import camel_to_snake_case
from ocpp.exceptions import NotImplementedError as OcppNotImplemented
from ocpp.exceptions import OCPPError
from ocpp.messages import Call, MessageType, validate_payload
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action
from websockets.exceptions import ConnectionClosed

from ..domain.message_log import Direction
from .downstream import CallRefused
from .records import Frames

logger = logging.getLogger(__name__)


class Served(Protocol):
    """The link a charge point serves CALLs for."""

    async def on_call(self, action: str, payload: dict[str, Any], unique_id: str) -> dict[str, Any]: ...
    async def after_call(self, action: str, unique_id: str) -> None: ...
    def log_incoming(self, frames: Frames) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What came of one CALL to the back office."""

    kind: str  # ok | callerror | timeout | closed | invalid
    answer: dict[str, Any] | None
    frames: Frames

    @property
    def answered(self) -> bool:
        return self.kind == "ok"

    @property
    def error(self) -> str | None:
        return self.frames.error


class RelayChargePoint(ChargePoint):  # type: ignore[misc]
    def __init__(self, charge_box_id: str, connection: Any, served: Served, *, response_timeout: float = 30) -> None:
        super().__init__(charge_box_id, connection, response_timeout=response_timeout)
        self._served = served
        self._incoming: dict[str, tuple[str, str, float]] = {}  # unique id -> (action, CALL frame, started)
        self._payloads: dict[str, dict[str, Any]] = {}
        self._one_at_a_time = asyncio.Semaphore(1)
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- the relay's own CALLs ----------------------------------------------------------------------------------

    async def exchange(self, action: str, payload: dict[str, Any], unique_id: str, timeout: float | None = None) -> Outcome:
        call = Call(unique_id=unique_id, action=action, payload=payload)
        request = call.to_json()
        logger.debug("station %s -> back office: %s", self.id, request)
        started = time.perf_counter()

        def frames(outcome: str, response: str | None = None, error: str | None = None) -> Frames:
            return Frames(unique_id, action, request, response, (time.perf_counter() - started) * 1000, outcome, error)

        try:
            await validate_payload(call, self._ocpp_version)
        except OCPPError as exc:
            return Outcome("invalid", None, frames("invalid", error=f"not sent, invalid 1.6 {action}: {_why(exc)}"))
        wait = timeout if timeout is not None else self._response_timeout
        async with self._call_lock:
            try:
                await self._send(request)
            except ConnectionClosed as exc:
                return Outcome("closed", None, frames("closed", error=f"socket closed ({exc.rcvd.code if exc.rcvd else '-'})"))
            try:
                response = await _first(self._get_specific_response(unique_id, wait), self._connection.wait_closed())
            except TimeoutError:
                return Outcome("timeout", None, frames("timeout", error=f"no answer within {wait:g} s"))
            if response is None:
                return Outcome("closed", None, frames("closed", error="socket closed before the answer"))
        text = response.to_json()
        if response.message_type_id == MessageType.CallError:
            error = f"{response.error_code}: {response.error_description}"
            return Outcome("callerror", None, frames("callerror", text, error[:2000]))
        response.action = action
        try:
            await validate_payload(response, self._ocpp_version)
        except OCPPError as exc:
            return Outcome("invalid", None, frames("invalid", text, f"invalid 1.6 answer: {_why(exc)}"))
        return Outcome("ok", dict(response.payload), frames("ok", text))

    # -- the back office's CALLs -------------------------------------------------------------------------------

    async def start(self) -> None:
        """The library's receive loop, except that CALLs run as tasks (see the module's docstring)."""
        while True:
            message = await self._connection.recv()
            if isinstance(message, str) and message.lstrip().startswith("[2"):
                task = asyncio.create_task(self._one(message))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                await self.route_message(message)

    async def _one(self, message: str) -> None:
        async with self._one_at_a_time:
            try:
                await self.route_message(message)
            except ConnectionClosed:
                pass

    async def _handle_call(self, msg: Call) -> Any:
        self._incoming[msg.unique_id] = (msg.action, msg.to_json(), time.perf_counter())
        if msg.action not in self.route_map:
            raise OcppNotImplemented(description="Requested Action is not known by receiver",
                                     details={"action": str(msg.action)[:50]})
        self._payloads[msg.unique_id] = msg.payload
        try:
            return await super()._handle_call(msg)
        finally:
            self._payloads.pop(msg.unique_id, None)

    async def _send(self, message: str) -> None:
        await self._connection.send(message)
        if message.startswith(("[3", "[4")):
            try:
                unique_id = json.loads(message)[1]
            except (ValueError, IndexError):
                return
            known = self._incoming.pop(unique_id, None)
            if known is not None:
                action, request, started = known
                outcome = "ok" if message.startswith("[3") else "callerror"
                error = None
                if outcome == "callerror":
                    parts = json.loads(message)
                    error = f"{parts[2]}: {parts[3]}"[:2000]
                self._served.log_incoming(Frames(unique_id, action, request, message,
                                                 (time.perf_counter() - started) * 1000, outcome, error,
                                                 Direction.FROM_BACK_OFFICE))

    async def _serve(self, action: str, unique_id: str) -> Any:
        payload = self._payloads.get(unique_id, {})
        try:
            result = await self._served.on_call(action, payload, unique_id)
        except CallRefused as refused:
            raise _ocpp_error(refused) from None
        return _result(action, result)

    async def _after(self, action: str, unique_id: str) -> None:
        await self._served.after_call(action, unique_id)


def _handler(action: Action) -> Callable[..., Awaitable[Any]]:
    async def handler(self: RelayChargePoint, call_unique_id: str, **_: Any) -> Any:
        return await self._serve(action.value, call_unique_id)

    handler.__name__ = f"on_{action.name}"  # @on registers handlers by name: one per action
    return on(action)(handler)  # type: ignore[no-any-return]


async def _after_trigger(self: RelayChargePoint, call_unique_id: str, **_: Any) -> None:
    await self._after(Action.trigger_message.value, call_unique_id)


_after_trigger.__name__ = "after_trigger_message"
for _action in Action:
    setattr(RelayChargePoint, f"on_{_action.name}", _handler(_action))
RelayChargePoint.after_trigger_message = after(Action.trigger_message)(_after_trigger)


def _result(action: str, payload: dict[str, Any]) -> Any:
    """The library's result dataclass from a 1.6-J payload (its top-level names in snake case; what is inside
    stays as it is, and the library writes it back unchanged)."""
    names = list(payload)
    snake = list(camel_to_snake_case({name: None for name in names}))
    return getattr(call_result, action)(**dict(zip(snake, payload.values(), strict=True)))


def _ocpp_error(refused: CallRefused) -> OCPPError:
    for error in OCPPError.__subclasses__():
        if getattr(error, "code", None) == refused.code:
            return error(description=refused.description, details=refused.details)  # type: ignore[no-any-return]
    return OCPPError(description=refused.description, details=refused.details)


def _why(exc: OCPPError) -> str:
    cause = exc.details.get("cause") if isinstance(exc.details, dict) else None
    return f"{exc.code}: {cause or exc.description}"[:500]


async def _first(response: Awaitable[Any], closed: Awaitable[Any]) -> Any:
    """The response, or None when the socket closes first (the library would wait out its whole timeout)."""
    answer = asyncio.ensure_future(response)
    gone = asyncio.ensure_future(closed)
    try:
        done, _ = await asyncio.wait({answer, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (answer, gone):
            if not task.done():
                task.cancel()
    if answer in done:
        return answer.result()
    return None

