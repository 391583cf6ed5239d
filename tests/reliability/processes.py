"""Process helpers for tests that kill gunicorn workers: the master's children, read from /proc."""

from __future__ import annotations

from pathlib import Path


def workers_of(master: int) -> list[int]:
    """Pids of the live child processes of ``master`` (gunicorn's workers), oldest first."""
    children = []
    for task in Path("/proc").glob("[0-9]*"):
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, parent = fields[0], int(fields[1])
        if parent == master and state not in ("Z", "X"):
            children.append(int(task.name))
    return sorted(children)
