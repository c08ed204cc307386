"""Deriving fields from raw ads: occupation coding, skills, salary, places, duplicates and fraud risk."""
