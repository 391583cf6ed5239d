"""The read model the pages and the API share: queries on the engine returning typed values (pydantic models
whose snake_case attributes the pages read and whose camelCase aliases the API answers with).

Reads are not commands, so they skip the bus; writes never come here. Every list is one page, fetched with
LIMIT/OFFSET along an index and counted at most ``COUNT_LIMIT`` rows past the page. This package is the only
part of the web app that knows the ORM tables.
"""
