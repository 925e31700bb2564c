"""Training and evaluation of the engine's models: datasets, CNN and head training, calibration,
shipping, metrics and reports (the `ferbot train` and `ferbot eval` commands call into it)."""
