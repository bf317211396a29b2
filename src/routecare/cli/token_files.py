"""Files of signed tokens, one a line, for partners reached without a working connection:
read with a clear error, written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import typer


def read_file(path: Path) -> bytes:
    """The file's bytes, or a one-line error and exit 1."""
    try:
        return path.read_bytes()
    except OSError as error:
        typer.secho(f"error: {path.name}: not a readable file", err=True, fg="red")
        raise typer.Exit(1) from error


def token_lines(path: Path) -> list[str]:
    """The file's tokens, one a line (compact JOSE is ASCII), blank lines skipped."""
    try:
        text = read_file(path).decode("ascii")
    except UnicodeDecodeError as error:
        typer.secho(f"error: {path.name}: not a file of tokens", err=True, fg="red")
        raise typer.Exit(1) from error
    return [line.strip() for line in text.splitlines() if line.strip()]


def write_tokens(path: Path, tokens: list[str]) -> None:
    """`tokens` one a line, in a file written beside `path` and moved over it: an
    interrupted run leaves no half file a partner could import."""
    temporary = path.with_name(path.name + ".part")
    temporary.write_text("".join(f"{token}\n" for token in tokens), encoding="ascii")
    temporary.replace(path)
