"""xs:dateTime as stations write it (tolerantly read) and as we write it (UTC, Z, whole seconds)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ocpp_soap.timestamps import InvalidTimestamp, format_timestamp, parse_timestamp

NOON = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:00:00Z", NOON),
        ("2024-05-01T12:00:00z", NOON),
        ("2024-05-01t12:00:00Z", NOON),
        ("2024-05-01 12:00:00Z", NOON),
        ("2024-05-01T12:00Z", NOON),  # no seconds
        ("2024-05-01T12:00:00", NOON),  # no zone: UTC, as OCPP prescribes
        ("2024-05-01 12:00:00", NOON),
        ("2024-05-01T13:00:00+01:00", NOON),
        ("2024-05-01T13:00:00+0100", NOON),
        ("2024-05-01T13:00:00+01", NOON),
        ("2024-05-01T06:30:00-05:30", NOON),
        ("2024-05-01T06:30:00-0530", NOON),
        ("2024-05-01T12:00:00+00:00", NOON),
        ("2024-05-01T12:00:00-00:00", NOON),
        ("2024-05-02T01:45:00+13:45", NOON),
        ("  2024-05-01T12:00:00Z\n", NOON),  # whitespace around the value, as pretty-printed XML has it
        ("2024-05-01T12:00:00 Z", NOON),
        ("2024-05-01T12:00:00 +01:00", NOON - timedelta(hours=1)),
        ("2024-04-30T23:30:00-12:30", NOON),  # crosses the date line
    ],
)
def test_tolerant_reading(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("fraction", "microseconds"),
    [
        ("5", 500000),
        ("12", 120000),
        ("123", 123000),
        ("1234", 123400),
        ("12345", 123450),
        ("123456", 123456),
        ("1234567", 123456),
        ("12345678", 123456),
        ("123456789", 123456),
        ("000000001", 0),
        ("999999999", 999999),  # truncated, never rounded into the next second
    ],
)
def test_fractional_seconds_of_1_to_9_digits(fraction: str, microseconds: int) -> None:
    assert parse_timestamp(f"2024-05-01T12:00:00.{fraction}Z") == NOON.replace(microsecond=microseconds)
    assert parse_timestamp(f"2024-05-01T13:00:00.{fraction}+01:00") == NOON.replace(microsecond=microseconds)


def test_a_decimal_comma_is_read_too() -> None:
    assert parse_timestamp("2024-05-01T12:00:00,25Z") == NOON.replace(microsecond=250000)


def test_result_is_always_utc() -> None:
    parsed = parse_timestamp("2024-05-01T14:00:00+02:00")
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.hour == 12


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "garbage",
        "yesterday at noon",
        "2024-05-01",  # a date is not a date and time
        "12:00:00",
        "2024/05/01T12:00:00Z",
        "20240501T120000Z",
        "2024-05-01T12Z",
        "2024-05-01T12:0:00Z",
        "2024-5-01T12:00:00Z",
        "2024-05-01T12:00:00.Z",  # a separator without digits
        "2024-05-01T12:00:00+1",
        "2024-05-01T12:00:00+01:0",
        "2024-05-01T12:00:00+01:00:00",
        "2024-05-01T12:00:00GMT",
        "2024-05-01T12:00:00 UTC",
        "2024-05-01T12:00:00ZZ",
        "2024-05-01T12:00:00Z trailing",
        "2024-05-01T12:00:00+24:00",
        "2024-05-01T12:00:00+01:60",
        "2024-13-01T12:00:00Z",
        "2024-02-30T12:00:00Z",
        "2023-02-29T12:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T12:60:00Z",
        "2024-05-01T12:00:60Z",
        "<dateTime>2024-05-01T12:00:00Z</dateTime>",
    ],
)
def test_garbage_is_rejected(text: str | None) -> None:
    with pytest.raises(InvalidTimestamp):
        parse_timestamp(text)


def test_invalid_timestamp_is_a_value_error_quoting_the_text() -> None:
    with pytest.raises(ValueError, match="not-a-time"):
        parse_timestamp("not-a-time")


def test_leap_day_is_a_date() -> None:
    assert parse_timestamp("2024-02-29T00:00:00Z") == datetime(2024, 2, 29, tzinfo=UTC)


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_instant_outside_the_representable_range_is_an_invalid_timestamp(text: str) -> None:
    with pytest.raises(InvalidTimestamp):
        parse_timestamp(text)


# --- Writing --------------------------------------------------------------------------------------------------------


def test_format_is_utc_with_z_and_whole_seconds() -> None:
    assert format_timestamp(NOON) == "2024-05-01T12:00:00Z"
    assert format_timestamp(NOON.replace(microsecond=999999)) == "2024-05-01T12:00:00Z"


def test_format_converts_other_zones_to_utc() -> None:
    cest = timezone(timedelta(hours=2))
    assert format_timestamp(datetime(2024, 5, 1, 14, 0, tzinfo=cest)) == "2024-05-01T12:00:00Z"
    assert format_timestamp(datetime(2024, 5, 1, 0, 30, tzinfo=cest)) == "2024-04-30T22:30:00Z"


def test_format_takes_a_naive_value_as_utc() -> None:
    assert format_timestamp(datetime(2024, 5, 1, 12, 0)) == "2024-05-01T12:00:00Z"


@pytest.mark.parametrize("text", ["2024-05-01T12:00:00Z", "1999-12-31T23:59:59Z", "2038-01-19T03:14:08Z"])
def test_round_trip(text: str) -> None:
    assert format_timestamp(parse_timestamp(text)) == text


def test_only_ascii_digits_are_digits() -> None:
    with pytest.raises(InvalidTimestamp):
        parse_timestamp("2024-05-01T12:00:00+\u0660\u0661")  # Arabic-Indic "01"
