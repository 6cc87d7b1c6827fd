"""Pages of credit supervision, one module per audience: office, proposals, enterprise, scoring models, public."""
