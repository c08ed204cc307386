"""The web edge: the open API under /api/v1 and the server-rendered portal."""
