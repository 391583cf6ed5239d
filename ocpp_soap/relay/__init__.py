"""Relay mode: every relayed SOAP station appears to an OCPP 1.6-J back office as a charge point of its own.

Station side (the gunicorn workers): :mod:`.tap` joins each station message's transaction, asking the relay for
the back office's answer where it matters and queueing what is to be forwarded; :mod:`.upstream` and
:mod:`.answers` translate. Back-office side (``ocpp-soap relay``): :mod:`.node` owns stations and their
:mod:`.link` (one WebSocket each, :mod:`.charge_point` on it), drains the queue, and runs the back office's CALLs
through the bus (:mod:`.commands`, :mod:`.downstream`, :mod:`.trigger`). :mod:`.channel` and :mod:`.listeners`
connect the two sides; :mod:`.status` is what the API, the web app and /metrics show. The design, the mapping
tables and the measurements are in ``docs/relay.md``.
"""
