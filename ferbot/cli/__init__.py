"""The `ferbot` command line: one module per command group, gathered here.

Command modules import only what their options need; models, torch and transformers are
imported when a command that uses them runs, so `ferbot db upgrade` starts fast.
"""

from ferbot.cli._root import ModelsNotLoaded, main
from ferbot.cli.analyze import analyze
from ferbot.cli.dashboard import dashboard
from ferbot.cli.db import db
from ferbot.cli.run import run
from ferbot.cli.serve_engine import serve_engine
from ferbot.cli.tiny_models import make_tiny_models
from ferbot.cli.train import evaluate, train

for command in (analyze, run, dashboard, serve_engine, make_tiny_models, train, evaluate, db):
    main.add_command(command)

__all__ = ["ModelsNotLoaded", "main"]
