"""People: jobseekers, their protected personal data, and consent to its use."""
