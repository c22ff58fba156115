"""Every hostile upload gets a 4xx naming the problem, and leaves no row and no file."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from evidence.custody.models import CustodyEvent
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import stored_files, upload

HOSTILE = [
    pytest.param(b"", "empty.png", 400, "empty_file", id="empty file"),
    pytest.param(samples.truncated(samples.png(400, 300, noise=True)), "cut.png", 422, "corrupt_file", id="truncated PNG"),
    pytest.param(samples.truncated(samples.jpeg(800, 600)), "cut.jpg", 422, "corrupt_file", id="truncated JPEG"),
    pytest.param(samples.png_pixel_bomb(), "bomb.png", 422, "image_too_large", id="pixel bomb"),
    pytest.param(samples.png_text_bomb(), "text.png", 422, "corrupt_file", id="text-chunk bomb"),
    pytest.param(samples.zip_file(), "photo.png", 415, "unsupported_file_type", id="ZIP named .png"),
    pytest.param(samples.HTML, "photo.png", 415, "unsupported_file_type", id="HTML named .png"),
    pytest.param(samples.SVG, "photo.png", 415, "unsupported_file_type", id="SVG named .png"),
    pytest.param(samples.FITS, "photo.png", 415, "unsupported_file_type", id="FITS named .png"),
    pytest.param(samples.pdf()[:-7], "cut.pdf", 422, "corrupt_file", id="truncated PDF"),
    pytest.param(b"MZ\x90\x00" + bytes(2000), "app.jpg", 415, "unsupported_file_type", id="executable named .jpg"),
]


@pytest.mark.parametrize("data, name, status, code", HOSTILE)
def test_it_refuses_hostile_files_and_keeps_nothing(api, case, media_root, data, name, status, code):
    response = upload(api, case, data, name=name)

    assert response.status_code == status, response.content
    assert response.json()["error"] == code
    assert response.json()["detail"]
    assert EvidenceItem.objects.count() == 0
    assert stored_files(media_root) == []
    assert not CustodyEvent.objects.filter(action="evidence.received").exists()


def test_the_refusal_names_the_detected_type(api, case):
    response = upload(api, case, samples.zip_file(), name="photo.png")

    assert "application/zip" in response.json()["detail"]


def test_a_file_that_does_not_fit_the_requested_kind_is_refused(api, case, media_root):
    response = upload(api, case, samples.pdf(), name="scan.pdf", kind="photo")

    assert response.status_code == 415
    assert response.json()["error"] == "kind_mismatch"
    assert stored_files(media_root) == []


def test_a_client_hash_that_does_not_match_is_refused_with_422(api, case, media_root):
    response = upload(api, case, samples.png(), client_sha256="0" * 64)

    assert response.status_code == 422
    assert response.json()["error"] == "hash_mismatch"
    assert EvidenceItem.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused_with_413(api, case, media_root, settings):
    settings.UPLOAD_MAX_BYTES = 50_000
    response = upload(api, case, samples.png(300, 300, noise=True))

    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"
    assert stored_files(media_root) == []


def test_a_body_over_the_limit_is_refused_before_it_is_read(api, case, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = api.generic(
        "POST", f"/api/cases/{case.id}/evidence/", b"", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 << 20),
    )

    assert response.status_code == 413


def _raw_upload(api, case, disposition: str | bytes, data: bytes, after: bytes = b""):
    boundary = "BoUnDaRy"
    if isinstance(disposition, str):
        disposition = disposition.encode()
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; ".encode() + disposition + b"\r\n"
        b"Content-Type: image/png\r\n\r\n"
    ) + data + f"\r\n--{boundary}".encode() + after + b"--\r\n"
    return api.generic(
        "POST", f"/api/cases/{case.id}/evidence/", body, content_type=f"multipart/form-data; boundary={boundary}",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    "disposition",
    [
        "filename*=UTF-8''shot%00.png",
        "filename*=UTF-8''shot%0A.png",
        "filename*=UTF-8''shot%0D%0Aevil.png",
        'filename="shot\x00.png"',
        'filename="shot&#10;.png"',
    ],
)
def test_a_file_name_with_nul_or_a_line_break_is_refused(api, case, media_root, disposition):
    response = _raw_upload(api, case, disposition, samples.png())

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "bad_file_name"
    assert EvidenceItem.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_file_name_in_gbk_as_curl_sends_it_from_a_chinese_windows_is_read(api, case):
    data = samples.png()
    note = '\r\nContent-Disposition: form-data; name="note"\r\n\r\n催收员的截图'.encode()
    response = _raw_upload(api, case, 'filename="催收截图.png"'.encode("gbk"), data, after=note + b"\r\n--BoUnDaRy")

    assert response.status_code == 201, response.content
    item = EvidenceItem.objects.get()
    assert item.original_name == "催收截图.png"
    assert item.note == "催收员的截图"
    assert item.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_name_that_is_neither_utf8_nor_gbk_keeps_the_file(api, case):
    response = _raw_upload(api, case, b'filename="shot\xff\xfe.png"', samples.png())

    assert response.status_code == 201, response.content
    assert EvidenceItem.objects.get().original_name.endswith(".png")


class _Trickle:
    """A request body that arrives a few bytes at a time, so delimiters straddle reads."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step = data, step

    def read(self, size=-1):
        piece, self.data = self.data[: self.step], self.data[self.step :]
        return piece


@pytest.mark.parametrize("step", [1, 3, 7, 64])
def test_part_bodies_pass_through_byte_for_byte_whatever_the_read_sizes(step):
    from evidence.intake.uploads import _PartHeadersAsUTF8

    part = bytes(range(256)) * 3 + b"\r\n\r\n--BoUnDaR\r\n--Bo"
    body = (
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="file"; filename="\xb4\xdf.png"\r\n\r\n'
        + part + b'\r\n--BoUnDaRy\r\nContent-Disposition: form-data; name="note"\r\n\r\nok\r\n--BoUnDaRy--\r\n'
    )
    wrapped = _PartHeadersAsUTF8(_Trickle(body, step), b"BoUnDaRy")
    out = b""
    while chunk := wrapped.read():
        out += chunk

    assert out == body.replace('"\xb4\xdf.png"'.encode("latin-1"), '"催.png"'.encode())


def test_two_files_in_one_request_are_refused(api, case, media_root):
    body = encode_multipart("XX", {"file": [SimpleUploadedFile("a.png", samples.png()), SimpleUploadedFile("b.png", samples.jpeg())]})
    response = api.generic("POST", f"/api/cases/{case.id}/evidence/", body, content_type="multipart/form-data; boundary=XX")

    assert response.status_code == 400
    assert response.json()["error"] == "too_many_files"
    assert stored_files(media_root) == []


def test_a_request_without_a_file_is_refused(api, case):
    response = api.post(f"/api/cases/{case.id}/evidence/", {"note": "no file"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["error"] == "no_file"


def test_a_json_body_is_refused_as_the_wrong_media_type(api, case):
    response = api.post(f"/api/cases/{case.id}/evidence/", {"file": "aGVsbG8="}, format="json")

    assert response.status_code == 415


def test_bad_form_fields_are_refused_and_nothing_is_kept(api, case, media_root):
    response = upload(api, case, samples.png(), occurred_at="yesterday evening", kind="selfie")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"occurred_at", "kind"}
    assert stored_files(media_root) == []


def test_errors_are_in_chinese_for_a_chinese_phone(api, case):
    response = upload(api, case, samples.zip_file(), name="photo.png", language="zh-CN,zh;q=0.9")

    assert response.json()["error"] == "unsupported_file_type"
    assert "不接受" in response.json()["detail"]


def test_errors_are_in_english_for_an_english_phone(api, case):
    response = upload(api, case, b"", language="en-GB,en;q=0.8")

    assert response.json()["detail"] == "The file is empty."


def test_an_export_sent_as_a_file_is_pointed_to_the_imports_and_keeps_nothing(api, case, media_root):
    from tests.exports import sms_xml

    response = upload(api, case, sms_xml(), name="sms.xml", kind="export")
    assert response.status_code == 400
    assert "/imports/" in response.json()["fields"]["kind"][0]
    assert not EvidenceItem.objects.exists() and stored_files(media_root) == []


def test_a_huge_flat_png_is_checked_to_the_end_without_decoding_it_whole(tmp_path):
    """62 megapixels in ~200 KiB (under the pixel limit): read in bounded memory, damage still found."""
    import subprocess
    import sys

    from PIL import Image

    path = tmp_path / "flat.png"
    Image.new("RGB", (7900, 7900), (250, 250, 250)).save(path, optimize=False)
    assert path.stat().st_size < 1 << 20
    cut = tmp_path / "cut.png"
    cut.write_bytes(path.read_bytes()[:-40])  # the last pixel data and IEND are missing
    script = (
        "import os, re, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tests.settings');"
        "peak = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1));"
        "import django; django.setup();"
        "from evidence.intake.sniffing import sniff, CorruptFile;"
        "before = peak();"
        "sniff(sys.argv[1], os.path.getsize(sys.argv[1]), None);"
        "grew = peak() - before;"
        "damaged = False\n"
        "try: sniff(sys.argv[2], os.path.getsize(sys.argv[2]), None)\n"
        "except CorruptFile: damaged = True\n"
        "print(grew // 1024, damaged)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(path), str(cut)], capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) < 64, f"checking it grew the process by {out[0]} MiB"  # decoded whole: ~180 MiB
    assert out[1] == "True"


def test_a_chunked_upload_without_a_length_is_told_to_send_one_and_keeps_nothing(api, case, media_root):
    body = encode_multipart("BoUnDaRy", {"file": SimpleUploadedFile("shot.png", samples.png())})
    response = api.generic("POST", f"/api/cases/{case.id}/evidence/", body,
                           content_type="multipart/form-data; boundary=BoUnDaRy",
                           CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 411 and response.json()["error"] == "length_required"
    assert "Content-Length" in response.json()["detail"]
    assert not EvidenceItem.objects.exists() and stored_files(media_root) == []
