"""Demo data of the inspections app (see loader.py)."""
