"""A loopback TCP proxy for tests: put it between the gateway and its database, then cut the line.

``up`` forwards every connection; ``down`` drops the open ones and resets every new one at once (the database
host is gone); ``blackhole`` drops the open ones and accepts new ones without ever answering (a database host
that vanished from the network: only a connect timeout ends the wait).
"""

from __future__ import annotations

import select
import socket
import struct
import threading
from contextlib import suppress


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = int(self._listener.getsockname()[1])
        self.mode = "up"
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self.accepted = 0
        threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True).start()

    def set_mode(self, mode: str) -> None:
        """Switch to ``up``, ``down`` or ``blackhole``; leaving ``up`` drops every forwarded connection."""
        assert mode in ("up", "down", "blackhole"), mode
        with self._lock:
            self.mode = mode
            doomed = [] if mode == "up" else [*self._open, *self._held]
            if mode != "up":
                self._open.clear()
                self._held.clear()
        for sock in doomed:
            _reset(sock)

    def close(self) -> None:
        self._stopped.set()
        self.set_mode("down")
        with suppress(OSError):
            self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                mode = self.mode
                if mode == "blackhole":
                    self._held.append(client)
                    continue
            if mode == "down":
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                if self.mode != "up":
                    _reset(client)
                    _reset(server)
                    continue
                self._open.update((client, server))
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                if self._stopped.is_set():
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    peers[sock].sendall(data)
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._open.discard(a)
                self._open.discard(b)
            _reset(a)
            _reset(b)


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a host that went away answers."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.close()
