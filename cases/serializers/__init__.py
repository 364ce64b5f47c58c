"""API shapes of a case, one module per concern. Parsing and output only."""
