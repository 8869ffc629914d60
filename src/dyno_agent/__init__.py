"""Dyno Agent: scheduling core, REST API and agent for chassis-dynamometer test labs."""

__version__ = "0.1.0"
