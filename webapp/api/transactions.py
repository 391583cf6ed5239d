"""``/api/transactions``: list (filtered, paginated) and detail with meter values, as JSON or as CSV.

``?format=csv`` on the list exports every matching transaction (no pagination; streamed), and on the detail
the transaction's meter values, one row per sampled value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

from webapp import context
from webapp.readmodel import sessions as rm
from webapp.readmodel.base import Page

from .blueprint import NOT_FOUND, Answer, PathParam, route
from .routing import not_found
from .schemas import ErrorAnswer, FormatQuery, PageOf, TransactionQuery


class TransactionPage(PageOf[rm.TransactionItem]):
    """A page of transactions, newest first."""


@route("GET", "/transactions", summary="List transactions (filter, paginate), or export them as CSV",
       tag="Transactions", query=TransactionQuery,
       answers=(Answer(200, "A page of transactions, or (format=csv) every matching one as CSV", TransactionPage,
                       csv=", ".join(rm.TRANSACTION_COLUMNS)),))
def list_transactions(query: TransactionQuery) -> Response | TransactionPage:
    where = rm.TransactionFilter(station=query.station, id_tag=query.idTag, open=query.open,
                                 started_from=query.from_, started_to=query.to, refused=query.refused)
    if query.format == "csv":
        return csv_response(rm.TRANSACTION_COLUMNS, rm.all_transactions(context.engine(), where), "transactions.csv")
    page = Page(query.page, query.per_page)
    listing = rm.list_transactions(context.engine(), page, where)
    return TransactionPage(items=listing.items, page=page.number, per_page=page.size, total=listing.total,
                           total_exact=listing.total_exact)


TRANSACTION = PathParam("transaction_id", "transactionId", "The transactionId", integer=True)


@route("GET", "/transactions/<int:transaction_id>", summary="One transaction with its meter values (or them as CSV)",
       tag="Transactions", params=(TRANSACTION,), query=FormatQuery,
       answers=(Answer(200, "The transaction, or (format=csv) its meter values as CSV", rm.TransactionDetail,
                       csv=", ".join(rm.METER_VALUE_COLUMNS)), Answer(404, NOT_FOUND, ErrorAnswer)))
def show_transaction(transaction_id: int, query: FormatQuery) -> Response | rm.TransactionDetail:
    found = rm.transaction(context.engine(), transaction_id)
    if found is None:
        raise not_found("transaction")
    if query.format == "csv":
        rows = (value.model_dump(mode="json") for value in found.meter_values)
        return csv_response(rm.METER_VALUE_COLUMNS, rows, f"transaction-{transaction_id}-meter-values.csv")
    return found


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
