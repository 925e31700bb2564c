"""`ferbot serve-engine`: the engine as a Ray Serve application for bots on other machines."""

import signal

import click

from ferbot.cli._root import loads_models, settings_of


@click.command("serve-engine")
@click.option("--detach", is_flag=True, help="Deploy and return; the application keeps running.")
@click.pass_context
@loads_models
def serve_engine(ctx: click.Context, detach: bool) -> None:
    """Deploy the engine as a Ray Serve application on the Ray cluster at engine.ray.address
    (start one with `ray start --head`); bots with engine.backend = "ray" then use it.

    Runs until Ctrl-C (or SIGTERM), which removes the application, unless --detach.
    """
    from fer_engine.serve import deploy, join_cluster, undeploy

    settings = settings_of(ctx).engine
    join_cluster(settings.ray)
    deploy(settings)
    ray_settings = settings.ray
    click.echo(
        f"engine {ray_settings.app_name} serving at "
        f"http://{ray_settings.http_host}:{ray_settings.http_port}{ray_settings.route_prefix}"
    )
    if detach:
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        signal.pause()
    except KeyboardInterrupt:
        undeploy(settings)
