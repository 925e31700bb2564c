"""`ferbot dashboard`: the operators' web dashboard alone, or a password hash for it."""

import click

from ferbot.cli._root import loads_models, settings_of
from ferbot.cli.run import serve


@click.command()
@click.option(
    "--hash-password",
    is_flag=True,
    help="Ask for a password and print its hash for $DASHBOARD_PASSWORD_HASH, then exit.",
)
@click.pass_context
@loads_models
def dashboard(ctx: click.Context, hash_password: bool) -> None:
    """Serve the operators' web dashboard alone (`ferbot run` serves it too when
    dashboard.enabled is true). The password hash comes from $DASHBOARD_PASSWORD_HASH."""
    if hash_password:
        from dashboard.auth import hash_password as hashed

        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        click.echo(hashed(password))
        return
    serve(settings_of(ctx), dashboard_only=True)
