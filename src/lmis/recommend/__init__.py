"""The Work: explainable recommendations of jobs, candidates, training and next occupations."""
