"""The web UI: one HTML page with plain ES modules and vendored assets, served by the app itself."""
