"""Approvals: dynos that need a power user's approval, and the queue of requested bookings."""
