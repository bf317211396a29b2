"""The catalogue as the CLI contract and the API print it."""

from __future__ import annotations

from typing import Any

from routecare.screening.catalogue import Catalogue


def catalogue_listing(catalogue: Catalogue) -> dict[str, Any]:
    """`{"version", "indicators": [{"id", "element", "strength", "dimension", "forms",
    "text": {"en", "fr", "ar"}, ...}]}`. `strength` is the strength for a child (the people
    routecare screens); `strength_by_population` gives both, as the ILO/EC lists differ."""
    return {
        "version": catalogue.key,
        "sha256": catalogue.sha256,
        "indicators": [
            {
                "id": i.id,
                "element": i.element.value,
                "strength": i.strength.child.value,
                "strength_by_population": i.strength.model_dump(mode="json"),
                "dimension": i.dimension,
                "forms": [f.value for f in i.forms],
                "source": catalogue.sources[i.source],
                "text": i.text.model_dump(),
                "child_text": i.child_text.model_dump(),
            }
            for i in catalogue.indicators
        ],
    }
