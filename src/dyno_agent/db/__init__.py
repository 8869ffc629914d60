"""Database plumbing: engine and sessions, the embedded server, the declarative base, migrations."""
