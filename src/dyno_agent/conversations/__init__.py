"""Chat conversations: their persistence (titles, stored messages, search) and their routes."""
