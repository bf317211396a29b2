"""`routecare screening …`: indicator catalogue, scoring and field-collection import."""

import typer

app = typer.Typer(help="Indicator-based screening: catalogue, scoring, XLSForm and ODK/Kobo import.", no_args_is_help=True)
