"""The scheduling domain: vehicles, dynos and their rules, maintenance, allocations, reports."""
