"""datasets/synthetic."""
