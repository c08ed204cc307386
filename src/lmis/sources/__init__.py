"""One module per kind of partner source (CSV, NDJSON, JSON-LD, RSS, HTTP pull, partner push)."""
