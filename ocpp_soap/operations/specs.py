"""One spec per operation sent to stations: its fields under their OCPP names, what each means, which versions
have it (from the version registry), and how its answer is read.

This table is the one description the API's validation and OpenAPI document, the command line, the web forms,
the SOAP request builder and answer reader all use. The Python types are the domain's
(:mod:`ocpp_soap.domain.station_requests`); a shape that does not match its type fails at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import station_requests as sr
from ..domain.model import ChargingProfile, ChargingSchedule, ChargingSchedulePeriod, LocalListEntry
from ..domain.versions import Protocol
from .shapes import Field, Shape, register


@dataclass(frozen=True)
class OperationSpec:
    operation: str
    summary: str
    request: Shape
    answer: Shape

    @property
    def request_type(self) -> type[sr.StationRequest[Any]]:
        return self.request.type

    @property
    def versions(self) -> tuple[Protocol, ...]:
        """The protocol versions whose stations have this operation."""
        return tuple(protocol for protocol in Protocol if self.operation in protocol.operator_operations)

    def input_fields(self) -> tuple[Field, ...]:
        """The fields an operator may give (those the gateway assigns are left out)."""
        return tuple(f for f in self.request.fields if not f.assigned)


def _spec(request: type[sr.StationRequest[Any]], summary: str, fields: tuple[Field, ...], answer: tuple[Field, ...]) -> OperationSpec:
    spec = OperationSpec(request.operation, summary, Shape(request, fields), Shape(request.answer_type, answer))
    register(spec.request, spec.answer)
    return spec


STATUS = (Field("status", "status", "The station's answer"),)
CONNECTOR = Field("connectorId", "connector_id", "Connector number (0: the whole station)")
ID_TAG = Field("idTag", "id_tag", "The id tag (up to 20 characters)")
RETRIES = Field("retries", "retries", "How many times the station should retry")
RETRY_INTERVAL = Field("retryInterval", "retry_interval", "Seconds between retries")

ID_TAG_INFO = Field(
    "idTagInfo",
    group=(
        Field("status", "status", "Authorization status", required=True),
        Field("expiryDate", "expiry_date", "When the tag expires"),
        Field("parentIdTag", "parent_id_tag", "Parent id tag"),
    ),
    doc="Without it, a differential update removes the tag from the list",
)
register(
    Shape(LocalListEntry, (Field("idTag", "id_tag", "The id tag"), ID_TAG_INFO)),
    Shape(sr.KeyValue, (
        Field("key", "key"), Field("readonly", "readonly"), Field("value", "value"),
    )),
    Shape(sr.LocalListVersionCheck, (
        Field("storedListVersion", "stored_list_version", "The list version the gateway last sent (null: none)"),
        Field("listVersionMatches", "list_version_matches", "Whether the station holds that version"),
    )),
    Shape(sr.ConfigurationStored, (
        Field("storedKeys", "stored_keys", "How many keys were stored"),
        Field("unknownKeys", "unknown_keys", "Keys the station does not know"),
    )),
    Shape(sr.ChargingProfilesChanged, (
        Field("installedProfileIds", "installed", "Profiles installed in the gateway's copy"),
        Field("removedProfileIds", "removed", "Profiles removed from it (replaced or cleared)"),
    )),
)

# Smart charging (1.6): a profile's fields under their OCPP names, in WSDL order.
register(
    Shape(ChargingSchedulePeriod, (
        Field("startPeriod", "start_period", "Seconds from the start of the schedule (the first period: 0)"),
        Field("limit", "limit", "The limit in chargingRateUnit, at most one decimal (0 pauses charging)"),
        Field("numberPhases", "number_phases", "Phases that may be used, 1 to 3 (absent: 3)"),
    )),
    Shape(ChargingSchedule, (
        Field("duration", "duration", "Seconds the schedule lasts (absent: the last period lasts)"),
        Field("startSchedule", "start_schedule", "When an Absolute or Recurring schedule starts"),
        Field("chargingRateUnit", "charging_rate_unit", "W (total power) or A (current per phase)"),
        Field("chargingSchedulePeriod", "periods", "The periods, from startPeriod 0 in increasing order"),
        Field("minChargingRate", "min_charging_rate", "The least the vehicle charges with, at most one decimal"),
    )),
    Shape(ChargingProfile, (
        Field("chargingProfileId", "charging_profile_id", "The profile's id (a profile with the same id is replaced)"),
        Field("transactionId", "transaction_id", "TxProfile only: the transaction (default: the one open there)"),
        Field("stackLevel", "stack_level", "0 or more; the highest level valid at a time prevails"),
        Field("chargingProfilePurpose", "purpose", "ChargePointMaxProfile (connector 0), TxDefaultProfile or "
              "TxProfile (a connector with an open transaction)"),
        Field("chargingProfileKind", "kind", "Absolute, Recurring or Relative"),
        Field("recurrencyKind", "recurrency_kind", "Recurring only: Daily or Weekly"),
        Field("validFrom", "valid_from", "Valid from (absent: at once)"),
        Field("validTo", "valid_to", "Valid until (absent: until replaced)"),
        Field("chargingSchedule", "schedule", "The schedule"),
    )),
)
PROFILE_DOC = "A charging profile: JSON with its OCPP fields (chargingProfileId, stackLevel, ..., chargingSchedule)"

SPECS: dict[str, OperationSpec] = {
    spec.operation: spec
    for spec in (
        _spec(sr.RequestCancelReservation, "Cancel a reservation the gateway made",
              (Field("reservationId", "reservation_id", "The reservation's id"),), STATUS),
        _spec(sr.RequestChangeAvailability, "Make a connector (or the station: 0) operative or inoperative",
              (CONNECTOR, Field("type", "type", "Operative or Inoperative")), STATUS),
        _spec(sr.RequestChangeConfiguration, "Set a configuration key",
              (Field("key", "key", "The configuration key"), Field("value", "value", "Its new value")), STATUS),
        _spec(sr.RequestClearCache, "Clear the station's authorization cache", (), STATUS),
        _spec(sr.RequestClearChargingProfile, "Clear charging profiles: one by id, those matching the other "
              "fields, or (none given) all",
              (Field("id", "id", "The profile's id (then nothing else may be given)"),
               Field("connectorId", "connector_id", "Connector (0: the whole station; absent: any)"),
               Field("chargingProfilePurpose", "purpose", "Only profiles of this purpose"),
               Field("stackLevel", "stack_level", "Only profiles of this stack level")),
              STATUS),
        _spec(sr.RequestDataTransfer, "Send vendor-specific data",
              (Field("vendorId", "vendor_id", "The vendor's id"), Field("messageId", "message_id", "Message id"),
               Field("data", "data", "The data, as text")),
              (*STATUS, Field("data", "data", "The station's data"))),
        _spec(sr.RequestGetCompositeSchedule, "Read what the station's profiles allow on a connector from now on",
              (Field("connectorId", "connector_id", "Connector (0: the grid connection)"),
               Field("duration", "duration", "Seconds from now"),
               Field("chargingRateUnit", "charging_rate_unit", "W or A (absent: the station chooses)")),
              (*STATUS, Field("connectorId", "connector_id", "The connector"),
               Field("scheduleStart", "schedule_start", "The periods' start"),
               Field("chargingSchedule", "charging_schedule", "The composite schedule"))),
        _spec(sr.RequestGetConfiguration, "Read configuration keys (all of them when none are named)",
              (Field("key", "keys", "Keys to read; none for all"),),
              (Field("configurationKey", "configuration_keys", "The keys the station knows"),
               Field("unknownKey", "unknown_keys", "The keys it does not know"))),
        _spec(sr.RequestGetDiagnostics, "Have the station upload its diagnostics",
              (Field("location", "location", "Where to upload (a URL)"),
               Field("startTime", "start_time", "Oldest log entry wanted"),
               Field("stopTime", "stop_time", "Newest log entry wanted"), RETRIES, RETRY_INTERVAL),
              (Field("fileName", "file_name", "The file it will upload"),)),
        _spec(sr.RequestGetLocalListVersion, "Read the version of the station's local authorization list", (),
              (Field("listVersion", "list_version", "The station's list version"),)),
        _spec(sr.RequestRemoteStart, "Start a charging session",
              (ID_TAG, Field("connectorId", "connector_id", "Connector to start on (the station picks if absent)"),
               Field("chargingProfile", "charging_profile", "1.6: a TxProfile for the session (needs connectorId)")),
              STATUS),
        _spec(sr.RequestRemoteStop, "Stop a charging session",
              (Field("transactionId", "transaction_id", "An open transaction of this station"),), STATUS),
        _spec(sr.RequestReserveNow, "Reserve a connector for an id tag",
              (CONNECTOR, Field("expiryDate", "expiry_date", "When the reservation ends"), ID_TAG,
               Field("parentIdTag", "parent_id_tag", "Parent id tag"),
               Field("reservationId", "reservation_id", "Assigned by the gateway", assigned=True)),
              STATUS),
        _spec(sr.RequestReset, "Reset the station", (Field("type", "type", "Hard or Soft"),), STATUS),
        _spec(sr.RequestSendLocalList, "Send (or update) the local authorization list",
              (Field("updateType", "update_type", "Full or Differential"),
               Field("localAuthorisationList", "entries", "The id tags"),
               Field("listVersion", "list_version", "The new list version (default: the stored one + 1)"),
               Field("hash", "hash", "Hash of the list (1.5)")),
              (*STATUS, Field("hash", "hash", "The station's hash of its list (1.5)"))),
        _spec(sr.RequestSetChargingProfile, "Install a charging profile",
              (Field("connectorId", "connector_id", "Connector (0: the whole station)"),
               Field("csChargingProfiles", "profile", PROFILE_DOC)),
              STATUS),
        _spec(sr.RequestTriggerMessage, "Have the station send a message now",
              (Field("requestedMessage", "requested_message", "The message to send"),
               Field("connectorId", "connector_id", "StatusNotification and MeterValues: for this connector "
                     "(absent: each)")),
              STATUS),
        _spec(sr.RequestUnlockConnector, "Unlock a connector", (CONNECTOR,), STATUS),
        _spec(sr.RequestUpdateFirmware, "Have the station download and install firmware",
              (Field("location", "location", "Where the firmware is (a URL)"),
               Field("retrieveDate", "retrieve_date", "When to download it"), RETRIES, RETRY_INTERVAL),
              ()),
    )
}

if set(SPECS) != set(sr.REQUEST_TYPES):  # every request type has its spec, and nothing else has one
    raise TypeError(f"operation specs and request types differ: {sorted(set(SPECS) ^ set(sr.REQUEST_TYPES))}")
