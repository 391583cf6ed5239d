"""The message log as the central system writes it: what each exchange with a station is written as, the key
a resend is recognised by, and the retention that keeps the log from growing for ever.

Answered requests are logged by the inbound pipeline inside the request's own transaction (so the entry, and the
key that answers a resend, exist exactly when the effects do). Faults, and everything that never reached a
version's service, are logged here in a short transaction of their own, on a best-effort basis: a database that
cannot take the log entry is the reason for many of those faults in the first place.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta

from lxml import etree

from ...domain.errors import ConcurrencyConflict, StorageUnavailable
from ...domain.message_log import Direction, MessageLogEntry, StoredAnswer, clipped, wire_text
from ...domain.ports import UnitOfWork

logger = logging.getLogger(__name__)

PRUNE_EVERY_S = 60.0
PRUNE_BATCH = 5000
PRUNE_BATCHES_PER_ROUND = 50


class MessageLog:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Callable[[], datetime],
        *,
        resend_window_s: int,
        retention_days: int,
    ) -> None:
        self._uow_factory = uow_factory
        self.clock = clock
        self.resend_window = timedelta(seconds=resend_window_s)
        # The log is kept for the retention, and never shorter than the resend window needs it.
        self.retention = max(timedelta(days=retention_days), self.resend_window)
        self._pruner: threading.Thread | None = None
        self._pruner_lock = threading.Lock()
        self._pid = 0

    # -- recognising a resend ---------------------------------------------------------------------------------

    def dedupe_key(
        self, charge_box_id: str, message_id: str | None, operation: str, soap: str, body: etree._Element
    ) -> str | None:
        """The key of a request: same station, MessageID, operation, SOAP version and body mean the same request.

        The body is part of it because stations reuse MessageIDs (counters restart at boot): a different request
        under an old MessageID is a new request, not a resend."""
        if not message_id or not self.resend_window:
            return None
        digest = hashlib.sha256()
        for part in (charge_box_id, message_id, operation, soap):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        digest.update(etree.tostring(body, method="c14n"))
        return digest.hexdigest()

    def stored_answer(self, uow: UnitOfWork, dedupe_key: str) -> StoredAnswer | None:
        """The answer already given to this request, if it was given within the resend window.

        An older entry with the same key is an old request that happens to look the same (a MessageID counter
        that came round again): its key is dropped, in ``uow``, so that the new request keeps its own."""
        stored = uow.message_log.answer_for(dedupe_key)
        if stored is None or stored.at >= self.clock() - self.resend_window:
            return stored
        uow.message_log.forget_key(dedupe_key)
        return None

    # -- writing entries --------------------------------------------------------------------------------------

    def entry(
        self,
        *,
        started_at: datetime,
        duration_s: float,
        charge_box_id: str | None,
        operation: str | None,
        message_id: str | None,
        outcome: str,
        http_status: int,
        request: bytes,
        response: bytes,
        error: str | None = None,
        dedupe_key: str | None = None,
    ) -> MessageLogEntry:
        self.start_pruning()  # whoever logs in this process keeps the log pruned (a pid check when running)
        return MessageLogEntry(
            at=started_at,
            direction=Direction.FROM_STATION,
            charge_box_id=charge_box_id,
            operation=operation,
            message_id=clipped(message_id, 255),
            outcome=outcome,
            http_status=http_status,
            duration_ms=round(duration_s * 1000, 3),
            request=clipped(wire_text(request)),
            # A stored answer is replayed byte for byte, so it is never cut; the gateway's answers are small.
            response=wire_text(response) if dedupe_key else clipped(wire_text(response)),
            error=error,
            dedupe_key=dedupe_key,
        )

    def record(self, entry: MessageLogEntry) -> None:
        """Log an exchange in a transaction of its own; a failure to do so is logged, never raised."""
        try:
            with self._uow_factory() as uow:
                uow.message_log.add(entry)
                uow.commit()
        except (StorageUnavailable, ConcurrencyConflict) as exc:
            logger.debug("message log entry not written: %s", exc)
        except Exception:
            logger.exception("message log entry not written")

    # -- retention --------------------------------------------------------------------------------------------

    def start_pruning(self) -> None:
        """Start this process's pruning thread once (again after a fork: threads do not survive one)."""
        if self._pid == os.getpid():
            return
        with self._pruner_lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._pruner = threading.Thread(
                target=_prune_forever, args=(weakref.ref(self),), name="message-log-pruner", daemon=True
            )
            self._pruner.start()

    def prune(self) -> int:
        """Delete what is older than the retention, in small batches; returns how many entries went."""
        cutoff = self.clock() - self.retention
        removed = 0
        for _ in range(PRUNE_BATCHES_PER_ROUND):
            with self._uow_factory() as uow:
                count = uow.message_log.prune(cutoff, PRUNE_BATCH)
                uow.commit()
            removed += count
            if count < PRUNE_BATCH:
                break
        return removed



def _prune_forever(log_ref: weakref.ref[MessageLog]) -> None:
    """Prune now and then for as long as the log is in use (the thread ends once the app is gone)."""
    while True:
        time.sleep(PRUNE_EVERY_S * random.uniform(0.8, 1.2))  # spread the workers' rounds apart
        message_log = log_ref()
        if message_log is None:
            return
        try:
            removed = message_log.prune()
            if removed:
                logger.info("message log: %d entries older than %s removed", removed, message_log.retention)
        except (StorageUnavailable, ConcurrencyConflict) as exc:
            logger.debug("message log not pruned this round: %s", exc)
        except Exception:
            logger.exception("message log not pruned this round")
        del message_log
