"""Pages of special equipment, split by aggregate: register, records, screen and rescue."""
