"""HTTP routes of the scheduling domain (thin: parse, call the domain, shape the answer)."""
