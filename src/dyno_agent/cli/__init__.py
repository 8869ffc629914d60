"""The `dyno` command line."""
