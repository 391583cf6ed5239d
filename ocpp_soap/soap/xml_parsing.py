"""Hardened XML parsing for everything a station sends.

No DTDs (so no external entities and no entity expansion), no network, no huge trees; libxml2's own depth
limit stops deep nesting. One parser per thread, built once, because parsers are not thread-safe.
"""

from __future__ import annotations

import threading

from lxml import etree


class XmlRejected(ValueError):
    """The bytes are not a document we accept; the message says why in words a station's engineer understands."""


_local = threading.local()


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def parse_document(data: bytes) -> etree._Element:
    if not data or not data.strip():
        raise XmlRejected("the request body is empty")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(f"the request is not well-formed XML: {exc.msg or exc}") from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration
        raise XmlRejected(f"the request cannot be read as XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected("document type declarations (DTDs) and entities are not allowed in SOAP messages")
    return root
