"""Station answers and command parameters as plain JSON values (timestamps as ISO 8601 text), for the command
log, the command line and the API alike."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):  # 1.6's limits: a JSON number, whole where it is whole
        return int(value) if value == value.to_integral_value() else float(value)
    return value
