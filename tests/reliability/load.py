"""Stations charging in a loop against a served gateway, as chargers behave when the central system falters.

Each station thread boots, then runs sessions (StartTransaction, MeterValues, StopTransaction) one after the
other. A request that is not acknowledged (a SOAP Receiver fault, or no answer at all) is sent again, with the
same body and the same ``wsa:MessageID``, until it is: what a charger does with a message it thinks was lost.
Every attempt is recorded, so a test can say what the stations were told, and the database must then hold each
acknowledged session exactly once and complete.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import requests
from lxml import etree
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from ocpp_soap.persistence import orm
from tests.helpers import NAMESPACES, SOAP12, envelope

PATH = "/services/centralSystemServiceOcpp15"
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
METER_MESSAGES = 2  # MeterValues requests per session
SAMPLES = 3  # sampled values in each
TAG = "RELIABLE-TAG"


@dataclass
class Attempt:
    station: str
    operation: str
    outcome: str  # ok | receiver-fault | no-answer | unexpected
    seconds: float
    at: float  # time.monotonic() when it was sent
    detail: str = ""


@dataclass
class Fleet:
    """``stations`` threads charging against ``url`` until :meth:`finish`."""

    url: str
    stations: int
    prefix: str = "REL"
    request_timeout: float = 30
    attempts: list[Attempt] = field(default_factory=list)
    sessions: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)  # acknowledged starts
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._abandoned = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(f"{self.prefix}{n:02d}",), daemon=True) for n in range(self.stations)
        ]

    # -- driving -----------------------------------------------------------------------------------------------

    def start(self) -> Fleet:
        for thread in self._threads:
            thread.start()
        return self

    def finish(self, timeout: float = 90) -> None:
        """Let every station complete the session it is in, then stop; fail if one does not within ``timeout``."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        stuck = [t.name for t in self._threads if t.is_alive()]
        assert not stuck, f"stations still busy after {timeout} s: {stuck}"
        assert not self.errors, self.errors[:5]

    def abandon(self) -> None:
        """Stop at once, without checks (the test failed already)."""
        self._abandoned.set()
        self._stop.set()
        for thread in self._threads:
            thread.join(self.request_timeout + 1)

    def acknowledged(self, since: float = 0.0) -> int:
        with self._lock:
            return sum(1 for a in self.attempts if a.outcome == "ok" and a.at >= since)

    def wait_for_acknowledgements(self, count: int, since: float, timeout: float) -> float:
        """Seconds until ``count`` requests sent after ``since`` were acknowledged; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.acknowledged(since) < count:
            assert time.monotonic() < deadline, f"fewer than {count} acknowledgements {timeout} s after {since}"
            time.sleep(0.05)
        return time.monotonic() - since

    def outcomes(self, start: float = 0.0, end: float = float("inf")) -> Counter[str]:
        with self._lock:
            return Counter(a.outcome for a in self.attempts if start <= a.at < end)

    def slowest(self, start: float = 0.0, end: float = float("inf")) -> float:
        with self._lock:
            return max((a.seconds for a in self.attempts if start <= a.at < end), default=0.0)

    # -- one station -------------------------------------------------------------------------------------------

    def _run(self, station: str) -> None:
        try:
            self._send(station, "BootNotification", "<cs:bootNotificationRequest><cs:chargePointVendor>V"
                       "</cs:chargePointVendor><cs:chargePointModel>M</cs:chargePointModel></cs:bootNotificationRequest>")
            session = 0
            while not self._stop.is_set():
                self._session(station, T0 + timedelta(hours=session))
                session += 1
        except Exception as exc:  # a failed assumption in a thread must reach the test
            with self._lock:
                self.errors.append(f"{station}: {exc!r}")

    def _session(self, station: str, at: datetime) -> None:
        answer = self._send(
            station, "StartTransaction", f"<cs:startTransactionRequest><cs:connectorId>1</cs:connectorId><cs:idTag>{TAG}"
            f"</cs:idTag><cs:timestamp>{at.isoformat()}</cs:timestamp><cs:meterStart>0</cs:meterStart>"
            "</cs:startTransactionRequest>",
        )
        transaction_id = int(answer.findtext(".//cs:transactionId", namespaces=NAMESPACES) or 0)
        with self._lock:
            self.sessions.setdefault(station, []).append((at, transaction_id))
        for m in range(METER_MESSAGES):
            stamp = (at + timedelta(minutes=m + 1)).isoformat()
            values = "".join(
                f"<cs:value context='Sample.Periodic' unit='Wh'>{100 * m + k}</cs:value>" for k in range(SAMPLES)
            )
            self._send(station, "MeterValues", f"<cs:meterValuesRequest><cs:connectorId>1</cs:connectorId>"
                       f"<cs:transactionId>{transaction_id}</cs:transactionId><cs:values><cs:timestamp>{stamp}"
                       f"</cs:timestamp>{values}</cs:values></cs:meterValuesRequest>")
        self._send(station, "StopTransaction", f"<cs:stopTransactionRequest><cs:transactionId>{transaction_id}"
                   f"</cs:transactionId><cs:idTag>{TAG}</cs:idTag><cs:timestamp>{(at + timedelta(minutes=30)).isoformat()}"
                   "</cs:timestamp><cs:meterStop>1000</cs:meterStop></cs:stopTransactionRequest>")

    def _send(self, station: str, operation: str, body: str) -> etree._Element:
        """Send until acknowledged, always the same envelope (same MessageID); returns the answer document."""
        data = envelope(body, charge_box=station, message_id=f"urn:uuid:{uuid.uuid4()}")
        deadline = time.monotonic() + 240
        while True:
            sent = time.monotonic()
            outcome, detail, document = self._attempt(data)
            with self._lock:
                self.attempts.append(Attempt(station, operation, outcome, time.monotonic() - sent, sent, detail))
            if outcome == "ok":
                assert document is not None
                return document
            if outcome == "unexpected":
                raise AssertionError(f"{station} {operation}: {detail}")
            assert time.monotonic() < deadline, f"{station} {operation} never acknowledged: {detail}"
            if self._abandoned.is_set():
                raise AssertionError("abandoned")
            time.sleep(0.2)

    def _attempt(self, data: bytes) -> tuple[str, str, etree._Element | None]:
        try:
            response = requests.post(
                f"{self.url}{PATH}", data=data, timeout=self.request_timeout,
                headers={"Content-Type": "application/soap+xml; charset=utf-8"},
            )
        except requests.RequestException as exc:
            return "no-answer", type(exc).__name__, None
        try:
            document = etree.fromstring(response.content)
        except etree.XMLSyntaxError:
            return "unexpected", f"HTTP {response.status_code} without a SOAP envelope: {response.text[:300]}", None
        code = document.findtext(f".//{{{SOAP12}}}Fault/{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        if code is None and response.status_code == 200:
            return "ok", "", document
        reason = document.findtext(f".//{{{SOAP12}}}Reason/{{{SOAP12}}}Text") or ""
        if code == "soap:Receiver" and response.status_code == 500:
            return "receiver-fault", reason, document
        return "unexpected", f"HTTP {response.status_code} {code}: {reason}", document


def check_stored_exactly_once(fleet: Fleet, database_url: str) -> dict[str, int]:
    """Every acknowledged session is stored once, complete and closed; nothing else is stored. Returns counts."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(orm.TransactionRow.transaction_id, orm.TransactionRow.charge_box_id, orm.TransactionRow.started_at,
                       orm.TransactionRow.meter_stop)
            ).all()
            meter_counts = dict(
                session.execute(
                    select(orm.MeterValueRow.transaction_id, func.count()).group_by(orm.MeterValueRow.transaction_id)
                ).all()
            )
    finally:
        engine.dispose()
    acknowledged = {
        transaction_id: (station, at) for station, starts in fleet.sessions.items() for at, transaction_id in starts
    }
    stored = {row.transaction_id: (row.charge_box_id, _utc(row.started_at)) for row in rows}
    assert stored == acknowledged, (
        f"stored but never acknowledged: {sorted(set(stored) - set(acknowledged))[:10]}; "
        f"acknowledged but not stored: {sorted(set(acknowledged) - set(stored))[:10]}"
    )
    assert len({(station, at) for station, at in stored.values()}) == len(stored), "a session stored twice"
    assert all(row.meter_stop == 1000 for row in rows), "a session acknowledged as stopped is still open"
    wrong = {t: meter_counts.get(t, 0) for t in stored if meter_counts.get(t, 0) != METER_MESSAGES * SAMPLES}
    assert not wrong, f"meter values per transaction should be {METER_MESSAGES * SAMPLES}: {dict(list(wrong.items())[:10])}"
    assert set(meter_counts) <= set(stored), "meter values stored for no acknowledged transaction"
    return {"transactions": len(stored), "meter_values": sum(meter_counts.values())}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
