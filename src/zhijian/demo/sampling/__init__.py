"""Demo data of the sampling app (see loader.py)."""
