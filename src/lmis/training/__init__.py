"""Courses and programmes linked to ESCO skills (the recommendation issue fills this context)."""
