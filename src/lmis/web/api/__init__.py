"""The open API, version 1 (/api/v1)."""
