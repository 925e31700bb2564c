"""The `ferbot` command as tests and benchmarks start it: `python -m ferbot` on this
interpreter, so that the process runs this checkout's code wherever the `ferbot` script was
installed from."""

import sys

FERBOT = (sys.executable, "-m", "ferbot")
