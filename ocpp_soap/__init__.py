"""ocpp-soap: a central system and gateway for OCPP 1.2, 1.5 and 1.6 charging stations that speak SOAP."""

__version__ = "0.1.0"
