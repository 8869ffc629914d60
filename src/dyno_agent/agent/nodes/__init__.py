"""The graph's nodes, one module each: `async (state, runtime) -> partial update`."""
