"""The SOAP edge shared by every protocol version: parsing, envelopes, WS-Addressing, faults, WSDL and routing.

Each version lives in its own add-on package (``v12``, ``v15``) with the same module names.
"""
