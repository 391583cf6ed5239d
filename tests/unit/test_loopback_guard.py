"""The suite's guard: a test that tries to reach another host fails at once instead of depending on the network."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import OutsideNetwork


def test_a_connection_beyond_loopback_fails_the_test() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(OutsideNetwork, match="192.0.2.1"):
        sock.connect(("192.0.2.1", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
