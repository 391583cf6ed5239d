"""A simulated station's configuration keys, as GetConfiguration shows them and ChangeConfiguration changes them.

Each key has a kind (integer, boolean, text) and a read-only flag; a change is checked as a charger checks it:
an unknown key is NotSupported, a read-only key or a value of the wrong kind is Rejected. Guarded by the
station's lock.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class ConfigurationStatus(enum.StrEnum):
    ACCEPTED = "Accepted"
    REJECTED = "Rejected"
    NOT_SUPPORTED = "NotSupported"


class Kind(enum.StrEnum):
    INTEGER = "integer"
    NUMBER = "number"  # seconds that may be fractional: our own sampling interval in fast tests
    BOOLEAN = "boolean"
    TEXT = "text"


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str
    readonly: bool


@dataclass(frozen=True)
class _Definition:
    kind: Kind
    readonly: bool
    default: str


HEARTBEAT_INTERVAL = "HeartbeatInterval"
METER_VALUE_SAMPLE_INTERVAL = "MeterValueSampleInterval"
NUMBER_OF_CONNECTORS = "NumberOfConnectors"
LOCAL_PRE_AUTHORIZE = "LocalPreAuthorize"

_DEFINITIONS: dict[str, _Definition] = {
    HEARTBEAT_INTERVAL: _Definition(Kind.INTEGER, False, "900"),
    METER_VALUE_SAMPLE_INTERVAL: _Definition(Kind.NUMBER, False, "60"),
    NUMBER_OF_CONNECTORS: _Definition(Kind.INTEGER, True, "1"),
    "ConnectionTimeOut": _Definition(Kind.INTEGER, False, "60"),
    "LocalAuthorizeOffline": _Definition(Kind.BOOLEAN, False, "true"),
    LOCAL_PRE_AUTHORIZE: _Definition(Kind.BOOLEAN, False, "false"),
    "ResetRetries": _Definition(Kind.INTEGER, False, "3"),
}


class Configuration:
    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        """``values`` sets initial values (read-only keys included: they are the hardware's)."""
        self._values = {key: definition.default for key, definition in _DEFINITIONS.items()}
        for key, value in (values or {}).items():
            if key not in _DEFINITIONS:
                raise ValueError(f"unknown configuration key {key!r}; known: {', '.join(_DEFINITIONS)}")
            self._values[key] = value

    def get(self, keys: Iterable[str] = ()) -> tuple[list[KeyValue], list[str]]:
        """The asked keys (all when none are asked) and the asked keys this station does not have."""
        wanted = list(keys) or list(self._values)
        known = [KeyValue(k, self._values[k], _DEFINITIONS[k].readonly) for k in wanted if k in self._values]
        unknown = [k for k in wanted if k not in self._values]
        return known, unknown

    def change(self, key: str, value: str) -> ConfigurationStatus:
        definition = _DEFINITIONS.get(key)
        if definition is None:
            return ConfigurationStatus.NOT_SUPPORTED
        if definition.readonly or not _valid(definition.kind, value):
            return ConfigurationStatus.REJECTED
        self._values[key] = value.strip()
        return ConfigurationStatus.ACCEPTED

    def set(self, key: str, value: str) -> None:
        """The station's own change (the heartbeat interval a boot answer gives), read-only or not."""
        self._values[key] = value

    def seconds(self, key: str) -> float:
        return float(self._values[key])

    def flag(self, key: str) -> bool:
        return self._values[key].strip().lower() == "true"


def _valid(kind: Kind, value: str) -> bool:
    text = value.strip()
    if kind is Kind.BOOLEAN:
        return text.lower() in ("true", "false")
    if kind in (Kind.INTEGER, Kind.NUMBER):
        try:
            number = int(text) if kind is Kind.INTEGER else float(text)
        except ValueError:
            return False
        return number >= 0
    return True
