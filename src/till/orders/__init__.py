"""Orders (PRP-REF-003): event-sourced orders and their payment link."""
