"""Coverage-guided fuzzing of the SOAP endpoints with atheris (libFuzzer): a script, not a test.

    pip install atheris
    python tests/fuzz/atheris_envelopes.py -runs=200000          # or -max_total_time=300
    python tests/fuzz/atheris_envelopes.py crash-<hash>          # replay one input

Inputs start as the hypothesis fuzzer's corpus (valid requests of every OCPP 1.2 and 1.5 operation and the golden
envelopes, in SOAP 1.1 and 1.2); libFuzzer mutates their bytes. The first byte of an input picks the endpoint and
the Content-Type, the rest is the request body, fed in-process to the WSGI app of a gateway on a temporary SQLite
database. Every answer is checked as in tests/fuzz/test_fuzz_envelopes.py (a well-formed SOAP envelope, a Sender
fault or an answer, never a Receiver fault, never an ERROR logged, the database consistent); a failed check
stops the run and libFuzzer saves the input. ``-timeout=N`` (default here 10 s) reports a hang.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["ocpp_soap"]):
    from ocpp_soap.bootstrap import bootstrap
    from ocpp_soap.config import Settings
    from ocpp_soap.logging_setup import quiet_spyne
    from ocpp_soap.wsgi import create_app
from tests.fuzz.test_fuzz_envelopes import (  # noqa: E402  (after atheris' instrumentation)
    CORPUS,
    MAX_BODY,
    PATH12,
    PATH15,
    SOAP11_TYPE,
    SOAP12_TYPE,
    WATCHED,
    Capture,
    Fuzzed,
    check,
)

TARGETS = [
    (PATH15, SOAP12_TYPE), (PATH15, SOAP11_TYPE), (PATH12, SOAP12_TYPE), (PATH12, SOAP11_TYPE),
    ("/services/CentralSystemService", SOAP12_TYPE), ("/services/CentralSystemService", SOAP11_TYPE),
    (PATH15, "application/xml"), (PATH15, None),
]


def gateway_under_test(directory: Path) -> Fuzzed:
    config = Settings(database_url=f"sqlite:///{directory / 'gateway.sqlite3'}", auto_accept=True, max_body=MAX_BODY)
    gateway = bootstrap(config)
    capture = Capture()
    for name in WATCHED:
        logging.getLogger(name).addHandler(capture)
    fuzzed = Fuzzed(create_app(config, gateway=gateway), gateway, capture)
    for seed in CORPUS:  # stations booted, a transaction open on each: mutations reach the domain
        if seed.name.endswith(("/bootNotification", "/startTransaction")):
            fuzzed.call(seed.path, seed.data, SOAP12_TYPE if seed.soap.endswith("soap-envelope") else SOAP11_TYPE)
    return fuzzed


def seed_corpus(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for n, seed in enumerate(CORPUS):
        path, _ = seed.path, None
        selector = next(i for i, (p, t) in enumerate(TARGETS) if p == path and (t == SOAP11_TYPE) == ("xmlsoap" in seed.soap))
        (directory / f"seed-{n:03d}").write_bytes(bytes([selector]) + seed.data)


def main() -> None:
    quiet_spyne()
    logging.getLogger("ocpp_soap").setLevel(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="ocpp-soap-atheris-"))
    fuzzed = gateway_under_test(work)

    def one_input(data: bytes) -> None:
        if not data:
            return
        path, content_type = TARGETS[data[0] % len(TARGETS)]
        check(fuzzed, path, data[1:], content_type)

    arguments = list(sys.argv)
    if not any(not a.startswith("-") for a in arguments[1:]):  # no corpus or input given: start from ours
        corpus = work / "corpus"
        seed_corpus(corpus)
        arguments.append(str(corpus))
    if not any(a.startswith("-timeout=") for a in arguments):
        arguments.append("-timeout=10")
    if not any(a.startswith("-max_len=") for a in arguments):
        arguments.append("-max_len=16384")
    atheris.Setup(arguments, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
