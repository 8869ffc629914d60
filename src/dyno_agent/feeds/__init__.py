"""Calendar feeds: per-user feed tokens and the iCalendar feeds they open."""
