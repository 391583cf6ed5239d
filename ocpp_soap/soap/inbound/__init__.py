"""Stations calling the central system: the HTTP endpoint, the request's stages (:mod:`.pipeline`), its one
transaction with its message-log entry and resend key (:mod:`.message_log`), and the endpoints of every version."""
