"""datasets/transforms."""
