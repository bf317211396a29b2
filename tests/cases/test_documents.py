"""Uploads: type checked by content, photos lose EXIF/GPS, nothing saved on refusal."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from routecare.cases.models import CaseDocument
from tests.cases.helpers import create_case
from tests.conftest import World

GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {1: "N", 2: (13.0, 30.0, 0.0), 3: "E", 4: (7.0, 59.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _document_count(world: World) -> int:
    with world.deployment.database.transaction() as session:
        return session.execute(select(func.count()).select_from(CaseDocument)).scalar_one()


def test_photo_is_stored_without_exif_and_gps(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    uploaded = client.post(
        f"/api/v1/cases/{reference}/documents",
        files={"file": ("photo.jpg", original, "image/jpeg")},
        data={"kind": "photo"},
    )
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    download = client.get(f"/api/v1/cases/{reference}/documents/{document_id}")
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/jpeg"
    cleaned = Image.open(io.BytesIO(download.content))
    assert cleaned.size == (32, 24)
    assert not cleaned.getexif()
    assert b"PhoneMaker" not in download.content
    listed = client.get(f"/api/v1/cases/{reference}").json()["documents"]
    assert listed[0]["filename"] == "photo.jpg"


def test_content_not_matching_its_type_is_refused_and_nothing_saved(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    path = f"/api/v1/cases/{reference}/documents"
    pretend_pdf = client.post(path, files={"file": ("a.pdf", _jpeg_with_gps(), "application/pdf")})
    assert pretend_pdf.status_code == 422
    script = client.post(path, files={"file": ("x.png", b"<script>alert(1)</script>", "image/png")})
    assert script.status_code == 422
    broken = client.post(
        path, files={"file": ("x.png", b"\x89PNG\r\n\x1a\n" + b"0" * 50, "image/png")}
    )
    assert broken.status_code == 422
    assert _document_count(world) == 0
    pdf = client.post(path, files={"file": ("r.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert pdf.status_code == 201
    assert _document_count(world) == 1


def test_too_large_upload_is_refused(world: World) -> None:
    client = world.api("case_worker")
    reference = create_case(client)["reference"]
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)
    response = client.post(
        f"/api/v1/cases/{reference}/documents", files={"file": ("big.pdf", big, "application/pdf")}
    )
    assert response.status_code in (413, 422)
    assert _document_count(world) == 0
    phone_photo_sized = b"%PDF-1.4\n" + b"0" * 2_000_000 + b"\n%%EOF\n"
    accepted = client.post(
        f"/api/v1/cases/{reference}/documents",
        files={"file": ("scan.pdf", phone_photo_sized, "application/pdf")},
    )
    assert accepted.status_code == 201  # the request limit leaves room for the 5 MiB documents
    assert _document_count(world) == 1
