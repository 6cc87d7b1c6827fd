"""Demo data of the early-warning platform."""
