"""Bundles end to end: a realistic case becomes a signed, timestamped packet checked with real tools."""

import json
import re
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from evidence.reports.models import Bundle
from evidence.reports.records import spreadsheet_cell
from evidence.reports.tasks import build_bundle
from evidence.storage.backends import get_storage
from tests import samples
from tests.conftest import client_for, import_export, run_command, upload
from tests.exports import call, calls_xml, mms, sms, sms_xml
from tests.local_tsa import LocalTSA

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day, hour, minute=0):
    return datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def tsa(settings, tmp_path):
    with LocalTSA(tmp_path / "tsa") as server:
        settings.TSA_URL, settings.TSA_CA_PATH = server.url, str(server.ca_pem_path)
        yield server


@pytest.fixture
def evidence(api, case):
    """Screenshots, a photo, a recording, an SMS export with an MMS picture, a call log, labels."""
    shots = [upload(api, case, samples.png(120, 260, noise=True), name=f"Screenshot_{n}.png").json() for n in range(2)]
    upload(api, case, samples.jpeg_with_capture_time("2026:05:01 23:41:07"), name="门口.jpg")
    upload(api, case, samples.wav(1.0), name="录音 2026-05-01.wav")
    import_export(api, case, sms_xml(
        sms(_at(1, 23), 1, "13800138000", "你再不还钱，我们就去你单位。"),
        sms(_at(2, 7), 1, "13800138000", "=HYPERLINK(\"http://evil.example\")"),
        mms(_at(2, 8), 1, "13800138000", "看看这是谁家", picture=samples.png(50, 50)),
    ))
    import_export(api, case, calls_xml(*(call(_at(3, 22, n), 3, "13800138000", 0) for n in range(8))), name="calls.xml")
    api.post(f"/api/cases/{case.id}/labels/", {"number": "13800138000", "role": "collector", "name": "某某催收"},
             format="json")
    return shots


def _bundle(api, case, **body):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the build job runs on commit
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", **body}, format="json")
    assert response.status_code == 202, response.json()
    return api.get(f"/api/bundles/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()


def _download(api, url, path: Path) -> Path:
    response = api.get(url)
    assert response.status_code == 200
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _unpack(packet: Path, folder: Path) -> Path:
    with zipfile.ZipFile(packet) as archive:
        archive.extractall(folder)
    return folder


def _run(*command, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


def test_it_builds_a_packet_that_standard_tools_verify(store, api, case, evidence, tsa, tmp_path):
    bundle = _bundle(api, case)
    assert (bundle["status"], bundle["progress"], bundle["error"]) == ("done", 100, None)
    assert bundle["items"] == 7  # 2 screenshots, a photo, a recording, 2 exports and the MMS picture
    packet = _download(api, bundle["packet_url"], tmp_path / "packet.zip")
    folder = _unpack(packet, tmp_path / "unpacked")

    sums = _run("sha256sum", "-c", "SHA256SUMS", cwd=folder)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    assert "report.pdf: OK" in sums.stdout and "manifest.json: OK" in sums.stdout
    signature = _run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "SHA256SUMS.sig",
                     "-content", "SHA256SUMS", "-CAfile", "certs/ca.pem", "-out", "/dev/null", cwd=folder)
    assert "Verification successful" in signature.stderr + signature.stdout
    stamp = _run("openssl", "ts", "-verify", "-data", "SHA256SUMS", "-in", "SHA256SUMS.tsr",
                 "-CAfile", "certs/tsa-ca.pem", "-untrusted", "certs/tsa.pem", cwd=folder)
    assert "Verification: OK" in stamp.stdout, stamp.stdout + stamp.stderr
    pdfsig = _run("pdfsig", "report.pdf", cwd=folder)
    assert "Signature is Valid." in pdfsig.stdout and "Total document signed" in pdfsig.stdout, pdfsig.stdout
    fonts = _run("pdffonts", "report.pdf", cwd=folder).stdout
    assert "CJK" in fonts and all(" yes yes " in line for line in fonts.splitlines()[2:] if "CJK" in line)
    text = _run("pdftotext", "report.pdf", "-", cwd=folder).stdout
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "证据目录" in text
    for item in manifest["items"]:
        assert item["sha256"] in text.replace("\n", "").replace(" ", ""), item["exhibit"]
        assert (folder / item["path"]).is_file()
    assert manifest["evidence_set_sha256"] == bundle["evidence_set_sha256"]


def test_it_writes_the_records_for_spreadsheets_safely(api, case, evidence, tmp_path):
    bundle = _bundle(api, case, language="en")
    folder = _unpack(_download(api, bundle["packet_url"], tmp_path / "p.zip"), tmp_path / "u")
    messages = (folder / "records" / "messages.csv").read_bytes()
    assert messages.startswith(b"\xef\xbb\xbf")
    text = messages.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "你再不还钱，我们就去你单位。" in text and "某某催收" in text
    calls = (folder / "records" / "calls.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(calls) == 1 + 8
    # A phone number is data, written the same way whether it starts with + or a digit.
    for table in (text, "\n".join(calls)):
        assert ",+8613800138000,13800138000," in table and "'+86" not in table
    assert [spreadsheet_cell(cell) for cell in ("+1 (212) 555-0100", "10690000", "-5", "+1+cmd|' /C calc'!A0",
                                                "@SUM(A1)", "\t=1", "(010) 1234-5678")] == [
        "+1 (212) 555-0100", "10690000", "'-5", "'+1+cmd|' /C calc'!A0", "'@SUM(A1)", "'\t=1", "(010) 1234-5678"]


def test_verify_packet_passes_a_good_packet_and_names_a_tampered_file(api, case, evidence, tsa, tmp_path, capsys):
    bundle = _bundle(api, case)
    packet = _download(api, bundle["packet_url"], tmp_path / "packet.zip")
    code, output = run_command("verify_packet", capsys, str(packet))
    assert code == 0, output
    assert "VERIFIED" in output and "FAIL" not in output

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(packet) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("originals/001-"):
                data = bytes([data[0] ^ 1]) + data[1:]
            target.writestr(info, data)
    code, output = run_command("verify_packet", capsys, str(tampered))
    assert code == 1
    assert "FAIL sha256 originals/001-" in output


def test_the_same_evidence_gives_the_same_evidence_set_hash_and_manifest(api, case, evidence, tmp_path):
    first, second = _bundle(api, case), _bundle(api, case)
    assert first["evidence_set_sha256"] == second["evidence_set_sha256"]
    upload(api, case, samples.png(33, 33), name="new.png")
    assert _bundle(api, case)["evidence_set_sha256"] != first["evidence_set_sha256"]

    # A rerun of the same bundle (as after a crash) writes the same manifest.
    manifest_of = lambda: zipfile.ZipFile(_download(api, first["packet_url"], tmp_path / "x.zip")).read("manifest.json")  # noqa: E731
    before = manifest_of()
    Bundle.objects.filter(id=first["id"]).update(status="running")
    build_bundle(first["id"])
    assert manifest_of() == before


def test_it_refuses_to_package_an_original_that_changed(api, case, evidence):
    item = case.evidence_items.get(original_name="Screenshot_1.png")
    path = get_storage().original_path(item.sha256)
    path.chmod(0o640)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    bundle = _bundle(api, case, language="en")
    assert bundle["status"] == "failed"
    assert "Screenshot_1.png" in bundle["error"] and "changed" in bundle["error"]
    assert bundle["packet_url"] is None
    assert api.get(f"/api/bundles/{bundle['id']}/packet.zip").status_code == 409


def test_it_hides_bundles_from_everyone_else(api, case, evidence, other_borrower, lawyer):
    bundle = _bundle(api, case)
    for user in (other_borrower, lawyer):
        client = client_for(user)
        for path in ("", "report.pdf", "packet.zip"):
            assert client.get(f"/api/bundles/{bundle['id']}/{path}").status_code == 404
        assert client.post(f"/api/cases/{case.id}/bundles/", {"purpose": "self"}, format="json").status_code == 404


def test_downloads_are_named_after_the_case_bundle_and_day(api, case, evidence):
    bundle = _bundle(api, case)
    short, day = bundle["id"][:8], datetime.fromisoformat(bundle["created_at"]).astimezone(SHANGHAI).date()
    assert bundle["packet_name"] == f"证据包-某某贷-催收-{short}-{day}.zip"
    assert bundle["report_name"] == f"报告-某某贷-催收-{short}-{day}.pdf"
    response = api.get(bundle["packet_url"])
    # RFC 6266: a browser saves it under the Chinese name; older clients get the ASCII fallback
    assert "filename*=utf-8''%E8%AF%81%E6%8D%AE%E5%8C%85-" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(f"-{short}-{day}.zip")

    english = _bundle(api, case, language="en")
    assert english["packet_name"] == f"evidence-packet-某某贷-催收-{english['id'][:8]}-{day}.zip"


def test_the_report_period_runs_over_what_happened_not_the_upload(api, case, evidence, tmp_path):
    bundle = _bundle(api, case)
    text = _run("pdftotext", "-layout", str(_download(api, bundle["report_url"], tmp_path / "r.pdf")), "-").stdout
    cover = text[:text.index("\f")]
    # The calls, messages and the photo are of 2026-05-01…03; the exports were uploaded today.
    assert re.search(r"期间\s+2026-05-01 — 2026-05-03", cover), cover


def test_a_long_log_prints_its_first_rows_and_the_packet_keeps_them_all(api, case, evidence, settings, tmp_path):
    settings.REPORT_TABLE_ROWS = 5
    bundle = _bundle(api, case, language="en")
    text = _run("pdftotext", "-layout", str(_download(api, bundle["report_url"], tmp_path / "r.pdf")), "-").stdout
    folder = _unpack(_download(api, bundle["packet_url"], tmp_path / "p.zip"), tmp_path / "u")
    calls = (folder / "records" / "calls.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(calls) == 1 + 8  # every call in the CSV
    note = re.search(r"first\s+5\s+of\s+8\s+rows", text)
    assert note, text
    log = text[note.end():text.index("\f", note.end())]  # the call log's page, after its note
    assert "22:04:00" in log and "22:05:00" not in log  # the first five in time order (22:00 to 22:04), no more
    assert re.search(r"Period\s+2026-05-01 — 2026-05-03", text)  # the period still counts every row
