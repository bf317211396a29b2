"""A placement request's profile and exact place, sealed under the request's own data key.

Age, sex, needs, language and the exact coordinates of a request say where a child is right
now, so they are stored only as AES-GCM ciphertext under a data key of the request (in the key
store, like a screening's). The exact place is dropped once the request is resolved,
and erasing the child the request was for destroys the key (routecare.children.erasure).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from routecare.crypto import Keyring
from routecare.crypto.keystore import DataKeyDestroyed, cipher_of, new_cipher
from routecare.placement.models import PlacementRequest
from routecare.placement.schemas import PlacementRequestIn

PROFILE = "placement.profile"
LOCATION = "placement.location"
PLACE_FIELDS = {"latitude", "longitude"}


def sealed_columns(keyring: Keyring, data: PlacementRequestIn) -> dict[str, Any]:
    """The columns of a new request: its data key and the encrypted profile and place."""
    uid = uuid.uuid4().hex
    cipher = new_cipher(keyring, uid)
    profile = data.model_dump(mode="json", exclude=PLACE_FIELDS | {"case"})
    place = data.model_dump(mode="json", include=PLACE_FIELDS)
    return {
        "uid": uid,
        "profile": cipher.encrypt(PROFILE, json.dumps(profile, sort_keys=True)),
        "location": cipher.encrypt(LOCATION, json.dumps(place, sort_keys=True)),
    }


def opened_profile(keyring: Keyring, request: PlacementRequest) -> dict[str, Any]:
    """The request's profile fields (empty once its key is destroyed)."""
    return _opened(keyring, request, PROFILE, request.profile)


def opened_search(keyring: Keyring, request: PlacementRequest) -> PlacementRequestIn | None:
    """The request as the place search reads it; None once its exact place was dropped."""
    place = _opened(keyring, request, LOCATION, request.location)
    if not place:
        return None
    return PlacementRequestIn.model_validate({**opened_profile(keyring, request), **place})


def drop_location(request: PlacementRequest) -> None:
    """On resolution: the exact place is no longer needed, so it is no longer kept."""
    request.location = None


def forget(request: PlacementRequest) -> None:
    """On erasure of the child (whose erasure also destroys the request's key): profile, place
    and the link to the child go; ids, status and dates stay for the statistics."""
    request.profile = None
    request.location = None
    request.case_reference = None


def _opened(
    keyring: Keyring, request: PlacementRequest, field: str, blob: bytes | None
) -> dict[str, Any]:
    if blob is None:
        return {}
    try:
        cipher = cipher_of(keyring, request.uid)
    except DataKeyDestroyed:
        return {}
    opened: dict[str, Any] = json.loads(cipher.decrypt(field, blob) or "{}")
    return opened
