"""Uploads to a case: size-limited, typed by their content (not by the name or the browser's
claim), photos re-encoded so EXIF and GPS location never reach storage, then encrypted whole
with the child's data key. The database holds only ciphertext; nothing is written to disk."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from routecare.auth.policy import Permission, require
from routecare.auth.principal import Principal
from routecare.cases.models import Case, CaseDocument
from routecare.cases.record_actions import add_record
from routecare.cases.records import audit_case, managed_case
from routecare.cases.vocabulary import DocumentKind
from routecare.children.models import Child
from routecare.children.records import cipher_for
from routecare.clock import utcnow
from routecare.deployment import Deployment
from routecare.errors import InvalidInput, NotFound

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # requests are also capped by Settings.max_body_bytes
MAX_IMAGE_PIXELS = 40_000_000
SIGNATURES: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, among those accepted."""
    return next((kind for kind, magic in SIGNATURES.items() if content.startswith(magic)), None)


def clean_image(content: bytes, content_type: str) -> bytes:
    """Decode and re-encode from pixels only: EXIF (GPS, device, time) and text chunks go."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise InvalidInput("the image is too large")
            upright = ImageOps.exif_transpose(image)
    except (OSError, Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise InvalidInput("the image cannot be read") from error
    if upright.mode not in ("RGB", "L", "RGBA") or content_type == "image/jpeg":
        upright = upright.convert("RGB" if content_type == "image/jpeg" else "RGBA")
    pixels_only = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    out = io.BytesIO()
    pixels_only.save(out, format=IMAGE_FORMATS[content_type])
    return out.getvalue()


def checked_content(content: bytes, declared_type: str) -> tuple[bytes, str]:
    """The bytes to store and their type, or a 422 naming the problem."""
    if not content:
        raise InvalidInput("the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"files are limited to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    actual = sniff(content)
    if actual is None:
        raise InvalidInput("only PDF, JPEG and PNG files are accepted")
    if declared_type.split(";")[0].strip().lower() != actual:
        raise InvalidInput(f"the file is a {actual}, not the {declared_type} it claims to be")
    if actual in IMAGE_FORMATS:
        return clean_image(content, actual), actual
    return content, actual


def add_document(
    deployment: Deployment,
    principal: Principal,
    reference: str,
    *,
    kind: DocumentKind,
    filename: str,
    declared_type: str,
    content: bytes,
    idempotency_key: str | None,
) -> int:
    """Store one checked, cleaned, encrypted upload on a case (checked once the case is
    known to be this organisation's, so other cases answer 404 whatever is sent)."""
    require(principal, Permission.CASE_WRITE)

    def build(session: Session, case: Case, child: Child) -> CaseDocument:
        stored, content_type = checked_content(content, declared_type)
        cipher = cipher_for(deployment.keyring, child)
        name = cipher.encrypt("case.document.filename", filename[:200] or "upload")
        assert name is not None
        return CaseDocument(
            case_id=case.id,
            kind=kind.value,
            content_type=content_type,
            size=len(stored),
            filename=name,
            content=cipher.encrypt_bytes("case.document", stored),
            created_at=utcnow(),
            created_by_user_id=principal.user_id,
        )

    return add_record(deployment, principal, reference, "document", idempotency_key, build)


def read_document(
    deployment: Deployment, principal: Principal, reference: str, document_id: int
) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of one document, for the owner organisation; audited."""
    require(principal, Permission.CASE_READ)
    with deployment.database.transaction() as session:
        case, child = managed_case(session, principal, reference, utcnow())
        document = session.get(CaseDocument, document_id)
        if document is None or document.case_id != case.id:
            raise NotFound("no such document on that case")
        cipher = cipher_for(deployment.keyring, child)
        filename = cipher.decrypt("case.document.filename", document.filename) or "upload"
        content = cipher.decrypt_bytes("case.document", document.content)
        audit_case(session, deployment, principal, "case.document.read", case, {"id": document.id})
        return filename, document.content_type, content
