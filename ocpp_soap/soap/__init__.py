"""The SOAP edge: what every protocol version shares (parsing, envelopes, WS-Addressing, faults, Spyne body
reading and writing, WSDL building), the two directions (``inbound``: stations calling us; ``outbound``: us
calling stations), and one package per version (``v12``, ``v15``) with the same module names, each exporting
``EDGE`` (see :mod:`.edge`).
"""
