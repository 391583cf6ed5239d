"""Alembic migrations of the ocpp-soap schema; run through ``ocpp_soap.persistence.schema`` (no alembic.ini)."""
