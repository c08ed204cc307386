"""The search port and its query model; adapters live in lmis.storage."""
