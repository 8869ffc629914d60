"""Notifications: subscriptions, the transactional outbox, and the worker that delivers it."""
