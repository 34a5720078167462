"""Pure building blocks (no torch, no run folders) that libraries may import."""
