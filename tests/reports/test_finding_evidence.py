"""In the report, every finding lists the events behind it and links to their rows and exhibits."""

import re
import subprocess
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pikepdf
from django.test import TestCase

from evidence.analysis import support
from evidence.analysis.services import case_analyse
from tests.conftest import import_export
from tests.exports import call, calls_xml

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHTS = [datetime(2026, 11, day, 23, minute, tzinfo=SHANGHAI) for day in range(2, 9) for minute in range(0, 60, 6)]


def _report(api, case, tmp_path, language="zh-Hans") -> pikepdf.Pdf:
    import_export(api, case, calls_xml(*(call(moment, 3, "17100001234", 0) for moment in NIGHTS)), name="calls.xml")
    with TestCase.captureOnCommitCallbacks(execute=True):
        api.post(f"/api/cases/{case.id}/labels/", {"number": "17100001234", "role": "collector", "name": "王某"},
                 format="json")
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", "language": language}, format="json")
    bundle = api.get(f"/api/bundles/{created.json()['id']}/").json()
    assert bundle["status"] == "done", bundle
    packet = tmp_path / "packet.zip"
    packet.write_bytes(b"".join(api.get(bundle["packet_url"]).streaming_content))
    with zipfile.ZipFile(packet) as archive:
        (tmp_path / "report.pdf").write_bytes(archive.read("report.pdf"))
    return pikepdf.open(tmp_path / "report.pdf")


def _text(tmp_path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_a_finding_lists_its_first_events_with_exhibit_and_line_and_a_count_per_day(api, case, tmp_path):
    _report(api, case, tmp_path)
    text = _text(tmp_path)
    night = text[text.index("夜间催收"):]
    assert "共 70 条，下表列出前 50 条" in night
    assert "2026-11-02：10 次 · 2026-11-03：10 次" in night
    assert "2026-11-02 23:00:00" in night and "E-001 第 5 行" in night  # where in the export, as a reader finds it
    # a missed call has no length ("—", not "0:00"); the record's place reads as a line of the export
    assert re.search(r"未接\s+\+8617100001234\s+催收方 王某\s+—\s+E-001 第 5 行\n", night)
    assert "<call>" not in text
    assert "催收方 王某" in night


def test_the_findings_rows_link_to_the_log_rows_and_the_exhibit(api, case, tmp_path):
    pdf = _report(api, case, tmp_path)
    destinations = {str(name) for name in pikepdf.NameTree(pdf.Root.Names.Dests).keys()}
    links = [annot for page in pdf.pages for annot in (page.get("/Annots") or []) if annot.get("/Subtype") == "/Link"]
    targets = [str(annot.get("/Dest") or annot.A.D) for annot in links]
    event_links = [t for t in targets if t.startswith("event-")]
    assert len(set(event_links)) >= 50  # every listed night call points at its row in the call log
    assert set(event_links) <= destinations  # and each target exists
    assert "exhibit-E-001" in targets and "exhibit-E-001" in destinations


def test_the_support_read_once_for_all_findings_is_the_support_read_finding_by_finding(api, case, monkeypatch):
    import_export(api, case, calls_xml(*(call(moment, 3, "17100001234", 0) for moment in NIGHTS)), name="calls.xml")
    api.post(f"/api/cases/{case.id}/labels/", {"number": "17100001234", "role": "collector", "name": "王某"},
             format="json")
    findings = case_analyse(case_id=case.id).findings
    assert findings
    by_finding = [support.finding_support(case=case, finding=finding) for finding in findings]
    monkeypatch.setattr(support, "_CHUNK", 10)  # 70 night calls are then "many": the case's times are read once
    assert [f["support"] for f in support.findings_with_support(case, findings)] == by_finding
    assert max(s["total"] for s in by_finding) == 70
