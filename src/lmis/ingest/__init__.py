"""Moving records from partner sources into the platform: raw store, parse, validate, upsert, quarantine."""
