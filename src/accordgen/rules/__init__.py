"""Pure rules, no I/O: dates and deadlines, identifiers, French formatting."""
