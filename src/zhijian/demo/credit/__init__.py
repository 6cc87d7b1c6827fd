"""Demo data of the credit app (see loader.py)."""
