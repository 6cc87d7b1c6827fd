"""Pages of the early-warning platform: office (cockpit, signals, warnings, sources) and public."""
