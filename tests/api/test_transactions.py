"""/api/transactions: filters, pages, detail with meter values, and CSV exports of both."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask.testing import FlaskClient

from ocpp_soap.bootstrap import Gateway
from tests.api.conftest import AUTH, NOW, add_station, add_transaction


def seed(gateway: Gateway) -> dict[str, int]:
    add_station(gateway, "CB1")
    add_station(gateway, "CB2")
    return {
        "old": add_transaction(gateway, "CB1", "TAG1", NOW - timedelta(days=3), stopped=True),
        "done": add_transaction(gateway, "CB1", "TAG2", NOW - timedelta(days=1), stopped=True, meter_values=3),
        "open": add_transaction(gateway, "CB2", "TAG1", NOW - timedelta(hours=1)),
    }


def ids(client: FlaskClient, query: str) -> list[int]:
    response = client.get(f"/api/transactions?{query}", headers=AUTH)
    assert response.status_code == 200, response.json
    return [t["transactionId"] for t in response.json["items"]]


def test_filters(client: FlaskClient, gateway: Gateway) -> None:
    t = seed(gateway)
    assert ids(client, "") == [t["open"], t["done"], t["old"]]  # newest first
    assert ids(client, "station=CB1") == [t["done"], t["old"]]
    assert ids(client, "idTag=TAG1") == [t["open"], t["old"]]
    assert ids(client, "open=true") == [t["open"]]
    assert ids(client, "open=false") == [t["done"], t["old"]]
    since = (NOW - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = (NOW - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(client, f"from={since}") == [t["open"], t["done"]]
    assert ids(client, f"from={since}&to={until}") == [t["done"]]
    for query, field in [("from=yesterday", "from"), ("to=1", "to"), ("open=perhaps", "open"), ("format=xml", "format")]:
        response = client.get(f"/api/transactions?{query}", headers=AUTH)
        assert response.status_code == 422 and response.json["error"]["field"] == field


def test_pages(client: FlaskClient, gateway: Gateway) -> None:
    t = seed(gateway)
    body = client.get("/api/transactions?per_page=2&page=2", headers=AUTH).json
    assert body["total"] == 3 and body["page"] == 2 and [x["transactionId"] for x in body["items"]] == [t["old"]]


def test_detail_with_meter_values(client: FlaskClient, gateway: Gateway) -> None:
    t = seed(gateway)
    body = client.get(f"/api/transactions/{t['done']}", headers=AUTH).json
    assert body["chargeBoxId"] == "CB1" and body["open"] is False and body["energyWh"] == 4000
    assert [(v["value"], v["measurand"], v["unit"]) for v in body["meterValues"]] == [
        ("1000", "Energy.Active.Import.Register", "Wh"),
        ("1100", "Energy.Active.Import.Register", "Wh"),
        ("1200", "Energy.Active.Import.Register", "Wh"),
    ]
    assert client.get("/api/transactions/999999", headers=AUTH).status_code == 404


def test_csv_exports(client: FlaskClient, gateway: Gateway) -> None:
    t = seed(gateway)
    response = client.get("/api/transactions?format=csv&station=CB1", headers=AUTH)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["transactionId"]) for r in rows] == [t["done"], t["old"]]
    assert rows[0]["idTag"] == "TAG2" and rows[0]["energyWh"] == "4000" and rows[0]["meterStart"] == "1000"

    response = client.get(f"/api/transactions/{t['done']}?format=csv", headers=AUTH)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["value"] for r in rows] == ["1000", "1100", "1200"]
    assert rows[0]["measurand"] == "Energy.Active.Import.Register"
    assert client.get("/api/transactions/999999?format=csv", headers=AUTH).status_code == 404


def test_phases_of_16_readings_in_the_detail_and_its_csv(client: FlaskClient, gateway: Gateway) -> None:
    """A 1.6 station says which phase a value is for; the read model shows it (absent: the overall value)."""
    from ocpp_soap.domain.model import Measurand, MeterReading, MeterValueBatch, Phase, SampledValue, UnitOfMeasure

    add_station(gateway, "CB16")
    transaction_id = add_transaction(gateway, "CB16", "TAG1", NOW - timedelta(hours=1))
    reading = MeterReading(NOW, (
        SampledValue("15.9", measurand=Measurand.CURRENT_IMPORT, unit=UnitOfMeasure.A, phase=Phase.L1),
        SampledValue("231.4", measurand=Measurand.VOLTAGE, unit=UnitOfMeasure.V, phase=Phase.L1_N),
        SampledValue("64", measurand=Measurand.SOC, unit=UnitOfMeasure.PERCENT),
    ))
    with gateway.uow_factory() as uow:
        uow.meter_values.add(MeterValueBatch("CB16", 1, (reading,), NOW, transaction_id))
        uow.commit()
    body = client.get(f"/api/transactions/{transaction_id}", headers=AUTH).json
    assert [(v["value"], v["measurand"], v["phase"], v["unit"]) for v in body["meterValues"]] == [
        ("15.9", "Current.Import", "L1", "A"), ("231.4", "Voltage", "L1-N", "V"), ("64", "SoC", None, "Percent"),
    ]
    response = client.get(f"/api/transactions/{transaction_id}?format=csv", headers=AUTH)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["value"], r["phase"]) for r in rows] == [("15.9", "L1"), ("231.4", "L1-N"), ("64", "")]


def test_csv_export_of_many_transactions_streams_them_all(client: FlaskClient, gateway: Gateway) -> None:
    add_station(gateway, "CB1")
    for n in range(1200):  # more than one fetch batch
        add_transaction(gateway, "CB1", f"T{n % 7}", NOW - timedelta(minutes=n))
    rows = list(csv.DictReader(io.StringIO(client.get("/api/transactions?format=csv", headers=AUTH).get_data(as_text=True))))
    assert len(rows) == 1200
