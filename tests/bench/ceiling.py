"""The practical ceiling: a bare lxml WSGI handler, no framework, no database.

    gunicorn -c deploy/gunicorn.conf.py tests.bench.ceiling:app

It parses each envelope with a hardened lxml parser, reads chargeBoxIdentity, the MessageID and the body element,
and writes the gateway's answer from a precomputed template (own MessageID, RelatesTo, current time, a
transaction id from a per-worker counter). Whatever the gateway does beyond this is what the ratio measures.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from tests.bench.envelopes import RESPONSES

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_WSA = "{http://www.w3.org/2005/08/addressing}"
_TRANSACTIONS = itertools.count(os.getpid() * 1_000_000)


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
        return [b"ok\n"]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    root = etree.fromstring(body, _PARSER)
    header, payload = root[0], root[1][0]
    station = message_id = None
    for block in header:
        name = block.tag
        if name.endswith("chargeBoxIdentity"):
            station = block.text
        elif name == _WSA + "MessageID":
            message_id = block.text
    template = RESPONSES.get(etree.QName(payload).localname)
    if template is None or not station:
        start_response("500 Internal Server Error", [("Content-Length", "0")])
        return []
    answer = template.format(
        own=uuid.uuid4(), relates=message_id, now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        tid=next(_TRANSACTIONS),
    ).encode()
    action = etree.QName(payload).localname[0].upper() + etree.QName(payload).localname[1:-7] + "Response"
    start_response(
        "200 OK",
        [
            ("Content-Type", f'application/soap+xml; charset=utf-8; action="/{action}"'),
            ("Content-Length", str(len(answer))),
        ],
    )
    return [answer]
