"""Observability: metrics, logging, request ids."""
