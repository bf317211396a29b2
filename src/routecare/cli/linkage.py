"""`routecare linkage …`: privacy-preserving record linkage across deployments."""

import typer

app = typer.Typer(help="Privacy-preserving record linkage: encode, match, dedupe.", no_args_is_help=True)
