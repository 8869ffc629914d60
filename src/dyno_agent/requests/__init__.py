"""Test requests: demand for a dyno test that is not booked yet."""
