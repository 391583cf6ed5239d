"""Meter readings: sampled values with their metadata, as every version's stations report them.

The enumerations hold the values of every version (1.6's phases, measurands and units among them); each version's
message types take the subset that version has. Values are kept as the station sent them: a 1.5 station's
``Amp`` stays ``Amp`` (:attr:`UnitOfMeasure.canonical` says it means 1.6's ``A``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ReadingContext(enum.StrEnum):
    INTERRUPTION_BEGIN = "Interruption.Begin"
    INTERRUPTION_END = "Interruption.End"
    OTHER = "Other"  # 1.6
    SAMPLE_CLOCK = "Sample.Clock"
    SAMPLE_PERIODIC = "Sample.Periodic"
    TRANSACTION_BEGIN = "Transaction.Begin"
    TRANSACTION_END = "Transaction.End"
    TRIGGER = "Trigger"  # 1.6


class ValueFormat(enum.StrEnum):
    RAW = "Raw"
    SIGNED_DATA = "SignedData"


class Measurand(enum.StrEnum):
    ENERGY_ACTIVE_EXPORT_REGISTER = "Energy.Active.Export.Register"
    ENERGY_ACTIVE_IMPORT_REGISTER = "Energy.Active.Import.Register"
    ENERGY_REACTIVE_EXPORT_REGISTER = "Energy.Reactive.Export.Register"
    ENERGY_REACTIVE_IMPORT_REGISTER = "Energy.Reactive.Import.Register"
    ENERGY_ACTIVE_EXPORT_INTERVAL = "Energy.Active.Export.Interval"
    ENERGY_ACTIVE_IMPORT_INTERVAL = "Energy.Active.Import.Interval"
    ENERGY_REACTIVE_EXPORT_INTERVAL = "Energy.Reactive.Export.Interval"
    ENERGY_REACTIVE_IMPORT_INTERVAL = "Energy.Reactive.Import.Interval"
    POWER_ACTIVE_EXPORT = "Power.Active.Export"
    POWER_ACTIVE_IMPORT = "Power.Active.Import"
    POWER_OFFERED = "Power.Offered"  # 1.6
    POWER_REACTIVE_EXPORT = "Power.Reactive.Export"
    POWER_REACTIVE_IMPORT = "Power.Reactive.Import"
    POWER_FACTOR = "Power.Factor"  # 1.6
    CURRENT_IMPORT = "Current.Import"
    CURRENT_EXPORT = "Current.Export"
    CURRENT_OFFERED = "Current.Offered"  # 1.6
    VOLTAGE = "Voltage"
    FREQUENCY = "Frequency"  # 1.6
    TEMPERATURE = "Temperature"
    SOC = "SoC"  # 1.6
    RPM = "RPM"  # 1.6


class Phase(enum.StrEnum):
    """Which phase a value is for (1.6; older versions never say)."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    N = "N"
    L1_N = "L1-N"
    L2_N = "L2-N"
    L3_N = "L3-N"
    L1_L2 = "L1-L2"
    L2_L3 = "L2-L3"
    L3_L1 = "L3-L1"


class Location(enum.StrEnum):
    CABLE = "Cable"  # 1.6
    EV = "EV"  # 1.6
    INLET = "Inlet"
    OUTLET = "Outlet"
    BODY = "Body"


class UnitOfMeasure(enum.StrEnum):
    WH = "Wh"
    KWH = "kWh"
    VARH = "varh"
    KVARH = "kvarh"
    W = "W"
    KW = "kW"
    VA = "VA"  # 1.6
    KVA = "kVA"  # 1.6
    VAR = "var"
    KVAR = "kvar"
    AMP = "Amp"  # 1.2 and 1.5's spelling of A
    A = "A"  # 1.6
    VOLT = "Volt"  # 1.2 and 1.5's spelling of V
    V = "V"  # 1.6
    CELSIUS = "Celsius"
    FAHRENHEIT = "Fahrenheit"  # 1.6
    K = "K"  # 1.6
    PERCENT = "Percent"  # 1.6

    @property
    def canonical(self) -> UnitOfMeasure:
        """The unit under its 1.6 name (``Amp`` is ``A``, ``Volt`` is ``V``)."""
        return _CANONICAL.get(self, self)


_CANONICAL = {UnitOfMeasure.AMP: UnitOfMeasure.A, UnitOfMeasure.VOLT: UnitOfMeasure.V}


@dataclass(frozen=True)
class SampledValue:
    """One value of a meter reading, with its metadata as the station sent it (None where it sent none)."""

    value: str
    context: ReadingContext | None = None
    format: ValueFormat | None = None
    measurand: Measurand | None = None
    location: Location | None = None
    unit: UnitOfMeasure | None = None
    phase: Phase | None = None


@dataclass(frozen=True)
class MeterReading:
    timestamp: datetime
    values: tuple[SampledValue, ...]


@dataclass(frozen=True)
class MeterValueBatch:
    """Readings from one message, linked to a transaction when the station named one we know."""

    charge_box_id: str
    connector_id: int
    readings: tuple[MeterReading, ...]
    received_at: datetime
    transaction_id: int | None = None
    reported_transaction_id: int | None = None
    source: str = "MeterValues"  # or "StopTransaction" for transactionData
