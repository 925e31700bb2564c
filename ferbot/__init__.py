"""The process shell: the `ferbot` command line, the composition root that wires engine, store,
bot core, adapters and dashboard into one process, its settings and its metrics server."""
