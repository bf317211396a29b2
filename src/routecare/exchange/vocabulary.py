"""The exchange's closed lists: purposes (the same codes consents record) and JOSE algorithms."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """Why a package leaves; a partner is registered for some of them, a consent names one."""

    CONTINUITY_OF_CARE = "continuity_of_care"
    FAMILY_TRACING = "family_tracing"
    SAFE_RETURN_ASSESSMENT = "safe_return_assessment"
    MATCH_NOTICE = "match_notice"


class KeyUse(StrEnum):
    SIGNING = "sig"
    ENCRYPTION = "enc"


# EdDSA over Ed25519 under its fully-specified name (RFC 9864, which deprecates "EdDSA").
SIGNING_ALGORITHM = "Ed25519"
KEY_ALGORITHM = "ECDH-ES+A256KW"
CONTENT_ALGORITHM = "A256GCM"
