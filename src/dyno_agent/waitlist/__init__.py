"""The waitlist: requests waiting for a free slot, and the slots held (offered) for them."""
