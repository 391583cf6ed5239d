"""``/api/transactions``: list (filtered, paginated) and detail with meter values, as JSON or as CSV.

``?format=csv`` on the list exports every matching transaction (no pagination; streamed), and on the detail
the transaction's meter values, one row per sampled value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Blueprint, Response, request, stream_with_context
from flask.typing import ResponseReturnValue

from ocpp_soap.domain.errors import InvalidInput

from . import params, queries
from .context import gateway
from .errors import not_found

bp = Blueprint("transactions", __name__)


@bp.get("/transactions")
def list_transactions() -> ResponseReturnValue:
    where = queries.TransactionFilter(
        station=params.text("station"),
        id_tag=params.text("idTag"),
        open=params.flag("open"),
        started_from=params.query_timestamp("from"),
        started_to=params.query_timestamp("to"),
    )
    if _csv():
        rows = queries.all_transactions(gateway().database, where)
        return csv_response(queries.TRANSACTION_COLUMNS, rows, "transactions.csv")
    page = params.page()
    listing = queries.list_transactions(gateway().database, page, where)
    return params.listed(listing, page)


@bp.get("/transactions/<int:transaction_id>")
def show_transaction(transaction_id: int) -> ResponseReturnValue:
    as_csv = _csv()
    body = queries.transaction(gateway().database, transaction_id)
    if body is None:
        raise not_found("transaction")
    if as_csv:
        return csv_response(
            queries.METER_VALUE_COLUMNS, body["meterValues"], f"transaction-{transaction_id}-meter-values.csv"
        )
    return body


def _csv() -> bool:
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "csv"):
        raise InvalidInput("format", f"expected json or csv, got {wanted!r}")
    return wanted == "csv"


def csv_response(columns: Sequence[str], rows: Iterable[dict[str, Any]], filename: str) -> Response:
    def generate() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
