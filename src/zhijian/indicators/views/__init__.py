"""Pages of the plan cockpit, one module per aggregate (catalogue, values, tasks, reports, cockpit)."""
