"""Commands: immutable requests for the domain to do something, named as imperatives.

There are three kinds, each in its own module: what stations send us (:mod:`.station_messages`), operator actions
on the central system's own records (:mod:`.operator_commands`) and operator requests sent to stations
(:mod:`.station_requests`). The bus routes every kind the same way.
"""

from __future__ import annotations


class Command:
    """Base of every command, so the bus can tell commands from events."""
