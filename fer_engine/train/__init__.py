"""Training and evaluation of the engine's models (datasets, metrics; training comes later)."""
