"""Recurring bookings: a series of allocations booked together from one repeat pattern."""
