"""Job postings, employers and the posting lifecycle (the ingestion issue fills this context)."""
