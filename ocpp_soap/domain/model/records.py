"""Records kept for the operator: data transfers received."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class DataTransferStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    UNKNOWN_MESSAGE_ID = "UnknownMessageId"
    UNKNOWN_VENDOR_ID = "UnknownVendorId"


@dataclass(frozen=True)
class DataTransferRecord:
    charge_box_id: str
    vendor_id: str
    message_id: str | None
    data: str | None
    status: DataTransferStatus
    response_data: str | None
    received_at: datetime
