"""Data subject requests: find every row held about one person, export it, draft the erasure."""
