"""Small widgets reused by several screens."""
