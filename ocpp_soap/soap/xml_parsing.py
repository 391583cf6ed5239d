"""Hardened XML parsing for everything a station sends.

No DTDs (so no external entities and no entity expansion), no network, no file system, no huge trees; libxml2's
own depth limit stops deep nesting, and a cap on attributes per element stops a quadratic cost in reading them. A document type declaration is refused before libxml2 sees the bytes:
libxml2 opens an external DTD or parameter entity even with ``load_dtd=False`` (a ``file:///dev/urandom`` or a
FIFO would hang the worker), so a resolver that answers every external load with nothing backs the scan up for
encodings it cannot read. One parser per thread, built once, because parsers are not thread-safe.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from lxml import etree

MAX_DEPTH = 256
"""libxml2's nesting limit without ``huge_tree``; OCPP messages are less than ten levels deep."""
MAX_ATTRIBUTES = 64
"""Per element. OCPP elements carry at most five; reading attributes through lxml costs time quadratic in their
number (80,000 on one element took Spyne 14 s), so more than this is refused before anything reads them."""

_DTD_REFUSED = "document type declarations (DTDs) and entities are not allowed in SOAP messages"


class XmlRejected(ValueError):
    """The bytes are not a document we accept; the message says why in words a station's engineer understands."""


class _RefuseExternal(etree.Resolver):
    """Every external DTD, entity or XInclude resolves to nothing: the parser never opens a file or a socket."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        return self.resolve_string("", context)


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
        parser.resolvers.add(_RefuseExternal())
        _local.parser = parser
    return parser


def parse_document(data: bytes) -> etree._Element:
    if not data or not data.strip():
        raise XmlRejected("the request body is empty")
    text, one_byte = _as_text(data)
    if _has_doctype(text):
        raise XmlRejected(_DTD_REFUSED)
    declared = _declared_encoding(text)
    if declared and one_byte and _is_wide(declared):
        raise XmlRejected(
            f"the XML declaration says encoding={declared!r}, but the bytes are in a one-byte encoding such as "
            "UTF-8; declare the encoding the message is written in (UTF-8)"
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(_describe(exc, declared)) from None
    except ValueError as exc:  # e.g. an unsupported encoding declaration
        raise XmlRejected(f"the request cannot be read as XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected(_DTD_REFUSED)
    for element in root.iter():
        if len(element.attrib) > MAX_ATTRIBUTES:
            raise XmlRejected(
                f"element {etree.QName(element).localname} has {len(element.attrib)} attributes; "
                f"at most {MAX_ATTRIBUTES} are allowed"
            )
    return root


# -- before parsing: what the prolog declares -------------------------------------------------------------------

_SPACE = re.compile(r"[ \t\r\n]*")
_DECLARATION = re.compile(r"""<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def _as_text(data: bytes) -> tuple[str, bool]:
    """The document as text, good enough to find markup in the prolog whatever the encoding, and whether the
    bytes are in a one-byte (ASCII-compatible) encoding: UTF-8, ASCII, ISO-8859-x, windows-125x."""
    head = data[:4]
    if head in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return data.decode("utf-32", "replace"), False
    if head == b"\x00\x00\x00<":
        return data.decode("utf-32-be", "replace"), False
    if head == b"<\x00\x00\x00":
        return data.decode("utf-32-le", "replace"), False
    if head.startswith((b"\xfe\xff", b"\xff\xfe")):
        return data.decode("utf-16", "replace"), False
    if head[:2] == b"\x00<":
        return data.decode("utf-16-be", "replace"), False
    if head[:2] == b"<\x00":
        return data.decode("utf-16-le", "replace"), False
    # Latin-1 maps every byte to one character, so the ASCII markup reads the same in any one-byte encoding.
    return data[3:].decode("latin-1") if data.startswith(b"\xef\xbb\xbf") else data.decode("latin-1"), True


def _has_doctype(text: str) -> bool:
    """Whether a ``<!DOCTYPE`` (or a stray ``<!ENTITY``) comes before the root element, skipping PIs and comments."""
    pos = 0
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        for opener, closer in (("<?", "?>"), ("<!--", "-->")):
            if text.startswith(opener, pos):
                end = text.find(closer, pos + len(opener))
                if end < 0:
                    return False  # unterminated: libxml2 says what is wrong
                pos = end + len(closer)
                break
        else:
            head = text[pos : pos + 9].upper()
            return head.startswith(("<!DOCTYPE", "<!ENTITY"))


def _declared_encoding(text: str) -> str | None:
    match = _DECLARATION.match(text, _SPACE.match(text).end())  # type: ignore[union-attr]
    return match[1] if match else None


def _is_wide(encoding: str) -> bool:
    return encoding.upper().replace("-", "").replace("_", "").startswith(("UTF16", "UTF32", "UCS2", "UCS4", "UNICODE"))


# -- after a parse error: libxml2's message in a station engineer's words ---------------------------------------

_ERRORS = etree.ErrorTypes


def _describe(exc: etree.XMLSyntaxError, declared: str | None) -> str:
    message = (exc.msg or str(exc)).strip()
    code = exc.code
    if "depth" in message.lower():
        return f"the request nests elements more than {MAX_DEPTH} levels deep"
    if "amplification" in message.lower() or code in (_ERRORS.ERR_ENTITY_LOOP, _ERRORS.ERR_UNDECLARED_ENTITY):
        return f"entities are not allowed in SOAP messages ({message})"
    if code == _ERRORS.ERR_UNSUPPORTED_ENCODING:
        return f"the declared character encoding {declared or ''!r} is not supported; send UTF-8 ({message})"
    if code in (_ERRORS.ERR_INVALID_ENCODING, _ERRORS.ERR_INVALID_CHAR):
        encoding = declared or "UTF-8"
        return f"the request holds bytes or characters that are not valid {encoding} XML text ({message})"
    return f"the request is not well-formed XML: {message}"
