"""Tests through the services on real SQLite and PostgreSQL databases."""
