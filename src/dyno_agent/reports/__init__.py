"""Reports across the lab: the business figures."""
