"""The report and the packet mark each call with the exhibit of its recording, and the recording with its call."""

import csv
import io
import json
import re
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from tests import samples
from tests.conftest import import_export, upload
from tests.exports import call, calls_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECORDED_AT = datetime(2024, 6, 15, 22, 45, 12, tzinfo=SHANGHAI)


@pytest.fixture
def recorded_call(api, case):
    """A call from the collector's number, imported, and the dialer's recording of it."""
    import_export(api, case, calls_xml(call(RECORDED_AT - timedelta(seconds=20), 1, "13800138000", 95),
                                       call(RECORDED_AT + timedelta(hours=1), 1, "13800138000", 30)), name="calls.xml")
    return upload(api, case, samples.mp3(), name="张三(13800138000)_20240615224512.mp3").json()


def _build(api, case, language: str, tmp_path: Path) -> Path:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", "language": language},
                            format="json")
    bundle = api.get(f"/api/bundles/{response.json()['id']}/").json()
    assert bundle["status"] == "done", bundle
    packet = tmp_path / f"packet-{language}.zip"
    packet.write_bytes(b"".join(api.get(bundle["packet_url"]).streaming_content))
    return packet


def _report_text(packet: Path, tmp_path: Path, *, layout: bool = True) -> str:
    """The report's text: laid out (a log row on one line), or in reading order (a table cell together)."""
    pdf = tmp_path / "report.pdf"
    with zipfile.ZipFile(packet) as archive:
        pdf.write_bytes(archive.read("report.pdf"))
    options = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _exhibit_of(packet: Path, item_id: str) -> str:
    with zipfile.ZipFile(packet) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    return next(entry["exhibit"] for entry in manifest["items"] if entry["id"] == item_id)


def test_the_call_log_marks_the_call_with_its_recordings_exhibit(api, case, recorded_call, tmp_path):
    packet = _build(api, case, "zh-Hans", tmp_path)
    exhibit = _exhibit_of(packet, recorded_call["id"])

    text = _report_text(packet, tmp_path)

    marked = [line for line in text.splitlines() if f"录音 {exhibit}" in line and "呼入" in line]  # not the custody log
    assert len(marked) == 1, text
    assert "2024-06-15 22:44:52" in marked[0] and "1:35" in marked[0]  # on the call's own row
    flat = re.sub(r"\s+", "", text)
    cells = re.sub(r"\s+", "", _report_text(packet, tmp_path, layout=False))
    assert "对应2024-06-1522:44:52+8613800138000的来电" in cells  # the recording's exhibit entry
    assert "录音文件名" in flat  # where its time came from
    assert "与2024-06-1522:44:52号码+8613800138000的通话关联" in cells  # the custody log, in words


def test_the_english_report_says_recording_and_the_csv_names_the_exhibit(api, case, recorded_call, tmp_path):
    packet = _build(api, case, "en", tmp_path)
    exhibit = _exhibit_of(packet, recorded_call["id"])

    text = _report_text(packet, tmp_path)

    marked = [line for line in text.splitlines() if f"recording {exhibit}" in line and "incoming" in line]
    assert len(marked) == 1 and "2024-06-15 22:44:52" in marked[0], text
    assert "from the recorder's file name" in re.sub(r"\s+", " ", text)
    with zipfile.ZipFile(packet) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("records/calls.csv").decode("utf-8-sig"))))
    assert [row["recording_exhibit"] for row in rows] == [exhibit, ""]
    assert list(rows[0])[-2:] == ["event_id", "recording_exhibit"]  # the earlier columns keep their places
