"""The bus as bootstrap builds it over the fake unit of work, with a fixed clock: what handler and bus tests drive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ocpp_soap.bootstrap import bootstrap
from ocpp_soap.config import Settings
from ocpp_soap.domain import events
from ocpp_soap.domain import station_messages as messages
from ocpp_soap.domain.model import (
    BootDetails,
    Measurand,
    MeterReading,
    Protocol,
    ReadingContext,
    RegistrationStatus,
    SampledValue,
    Station,
    StationOrigin,
    UnitOfMeasure,
)

from .fakes import FakeUnitOfWork

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(hours=1)
ADDRESS = "http://192.0.2.10:8080/ChargePointService"
NEW_ADDRESS = "http://192.0.2.99:8080/ChargePointService"
DETAILS = BootDetails("ACME", "Wallbox 1", charge_point_serial_number="SN-1", firmware_version="1.0")


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def origin(
    charge_box_id: str = "CB1",
    protocol: Protocol = Protocol.OCPP15_SOAP,
    endpoint_address: str | None = ADDRESS,
    address_problem: str | None = None,
) -> StationOrigin:
    return StationOrigin(charge_box_id, protocol, endpoint_address, address_problem, message_id="urn:uuid:1")


def accepted_station(charge_box_id: str = "CB1", endpoint_address: str | None = ADDRESS) -> Station:
    return Station(
        charge_box_id=charge_box_id,
        registration_status=RegistrationStatus.ACCEPTED,
        protocol=Protocol.OCPP15_SOAP,
        endpoint_address=endpoint_address,
        address_problem=None,
        details=DETAILS,
        boot_count=1,
        first_seen_at=EARLIER,
        last_boot_at=EARLIER,
        last_seen_at=EARLIER,
    )


def reading(*values: str, at: datetime = NOW) -> MeterReading:
    return MeterReading(
        at,
        tuple(
            SampledValue(
                v,
                ReadingContext.SAMPLE_PERIODIC,
                measurand=Measurand.ENERGY_ACTIVE_IMPORT_REGISTER,
                unit=UnitOfMeasure.WH,
            )
            for v in values
        ),
    )


class Harness:
    """The bus under test (as bootstrap builds it), its fake storage, the clock and the events subscribers received."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.uow = FakeUnitOfWork()
        self.clock = Clock()
        self.settings = settings or Settings(heartbeat_interval=300, auto_accept=False)
        gateway = bootstrap(self.settings, uow_factory=lambda: self.uow, clock=self.clock)
        self.registry = gateway.data_transfer_registry
        self.bus = gateway.bus
        self.published: list[events.Event] = []
        for event_type in events.Event.__subclasses__():
            self.bus.subscribe(event_type, self.published.append)

    def handle(self, command: object) -> object:
        return self.bus.handle(command)

    def published_of(self, event_type: type[events.Event]) -> list[events.Event]:
        return [e for e in self.published if isinstance(e, event_type)]

    def station(self, charge_box_id: str = "CB1") -> Station:
        station = self.uow.stations.get(charge_box_id)
        assert station is not None
        return station

    def start(
        self, id_tag: str = "TAG1", *, charge_box_id: str = "CB1", connector_id: int = 1, meter_start: int = 1000
    ) -> messages.StartTransactionResult:
        result = self.handle(
            messages.StartTransaction(origin(charge_box_id), connector_id, id_tag, EARLIER, meter_start)
        )
        assert isinstance(result, messages.StartTransactionResult)
        return result
