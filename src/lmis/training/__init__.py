"""Training: courses and programmes linked to ESCO skills, their import, and courses ranked for skill gaps."""
