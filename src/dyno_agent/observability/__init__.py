"""Operations: structured logs, request ids and metrics."""
