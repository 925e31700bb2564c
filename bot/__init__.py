"""The platform-neutral bot core, its settings and the `ferbot` command line."""
