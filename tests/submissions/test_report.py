"""Submissions in the next bundle's report, read back with pdftotext as a recipient would."""

import hashlib
import subprocess
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from evidence.reports import assemble
from evidence.reports.models import Bundle
from tests import samples
from tests.submissions.conftest import make_bundle, record


def report_text(api, bundle: dict, tmp_path: Path) -> str:
    """The report's text as pdftotext gives it, with line breaks and spaces taken out."""
    response = api.get(bundle["report_url"])
    assert response.status_code == 200
    path = tmp_path / f"{bundle['id']}.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())


def test_the_next_bundles_report_shows_the_submission_and_its_history(api, case, bundle, tmp_path):
    shown = record(api, bundle, channel="online_portal", reference="12378-20261103-0042",
                   submitted_at="2026-11-03T10:15:00+08:00").json()
    receipt = samples.pdf()
    with TestCase.captureOnCommitCallbacks(execute=True):
        api.post(f"/api/submissions/{shown['id']}/updates/",
                 {"status": "acknowledged", "at": "2026-11-05T16:30:00+08:00", "note": "已受理，查询码8841",
                  "receipt": SimpleUploadedFile("回执.pdf", receipt)}, format="multipart")

    text = report_text(api, make_bundle(api, case), tmp_path)

    assert "投诉与提交记录" in text
    assert "国家金融监督管理总局12378" in text and "12378-20261103-0042" in text
    assert "网上平台" in text and "2026-11-0310:15:00" in text
    assert "已受理" in text and "已受理，查询码8841" in text
    assert bundle["packet_sha256"] in text
    assert hashlib.sha256(receipt).hexdigest() in text


def test_an_english_report_names_the_authority_and_status_in_english(api, case, bundle, tmp_path):
    record(api, bundle, authority="us-cfpb", channel="email", reference="CFPB-261103-000123")

    text = report_text(api, make_bundle(api, case, authority="generic", language="en"), tmp_path)

    assert "Submissions" in text and "ConsumerFinancialProtectionBureau" in text
    assert "CFPB-261103-000123" in text and "submitted" in text


def test_a_report_with_no_submissions_has_no_such_section(api, case, bundle, tmp_path):
    text = report_text(api, bundle, tmp_path)

    assert "证据目录" in text
    assert "投诉与提交记录" not in text and "受理编号" not in text


def test_a_bundle_keeps_out_submissions_recorded_after_it_was_made(api, case, bundle, tmp_path):
    record(api, bundle, reference="LATER-1")
    made = Bundle.objects.get(id=bundle["id"])

    content = assemble.report_content(made, assemble.frozen_items(made), copies=tmp_path / "copies")

    assert content.submissions == []
