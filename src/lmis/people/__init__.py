"""Jobseekers: profiles, work history, consent (the recommendation and identity issues fill this context)."""
