"""Normalisers: raw tasks to tasks (agency names against the gazetteer, deadlines to dates, folding)."""
