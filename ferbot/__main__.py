"""`python -m ferbot`: the command line, where the `ferbot` script is not on the path or
belongs to another checkout (the tests start it this way)."""

from ferbot.cli import main

main(prog_name="ferbot")  # usage and error lines name the command as people type it
