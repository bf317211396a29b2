"""The released table as CSV (optionally with an HXL hashtag row), written whole or not at all:
to a temporary file beside the output, renamed over it only once the release is recorded, so
a refused or failed release leaves an existing output as it was."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from routecare.errors import InvalidInput
from routecare.observatory.releases.tables import ReleasedTable

HXL_TAGS = {
    "reporting_country": "#country+code+reporting",
    "nationality": "#country+code+nationality",
    "sex": "#indicator+sex",
    "age_band": "#indicator+age_band",
    "exploitation_type": "#indicator+exploitation",
    "year": "#date+year",
    "route": "#indicator+route",
    "count": "#affected+num",
    "suppressed": "#meta+suppressed",
    "noise_scale": "#meta+noise_scale",
}


def release_csv(table: ReleasedTable, *, hxl: bool) -> str:
    """One column per dimension, then `count`, `suppressed` and, for noisy releases,
    `noise_scale`; `All` names a margin; a suppressed count is empty."""
    noisy = table.epsilon is not None
    header = [*table.dimensions, "count", "suppressed", *(["noise_scale"] if noisy else [])]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    if hxl:
        writer.writerow([HXL_TAGS[name] for name in header])
    for row in table.rows:
        scale = [f"{row.noise_scale:.6g}"] if noisy and row.noise_scale is not None else []
        writer.writerow(
            [*row.key, "" if row.count is None else row.count, str(row.suppressed).lower(), *scale]
        )
    return buffer.getvalue()


@contextmanager
def staged(output: Path, content: str) -> Iterator[None]:
    """Write `content` beside `output`; on leaving the block without error, rename it over
    `output` (atomic); on an error, remove it and leave `output` untouched."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"the output folder {folder} does not exist")
    if output.is_dir():
        raise InvalidInput(f"the output {output} is a folder; name a file")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        yield
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
