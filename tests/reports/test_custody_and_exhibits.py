"""The report's custody log in words, custody.jsonl, exhibits described, and a certification that tells the truth."""

import hashlib
import json
import re
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.test import TestCase

from evidence.reports import wording
from evidence.reports.content import CustodyRow, Exhibit
from evidence.reports.labels import LABELS
from evidence.reports.render import Clock
from tests import samples
from tests.conftest import run_command, upload
from tests.local_tsa import LocalTSA

ROOT = Path(__file__).resolve().parents[2]
SHA = "fac3" + "0" * 60
SHANGHAI = Clock("Asia/Shanghai")


@pytest.fixture
def tsa(settings, tmp_path):
    with LocalTSA(tmp_path / "tsa") as server:
        settings.TSA_URL, settings.TSA_CA_PATH = server.url, str(server.ca_pem_path)
        yield server


@pytest.fixture
def no_tsa(settings):
    settings.TSA_URL = settings.TSA_CA_PATH = ""


def _row(action: str, **fields) -> CustodyRow:
    defaults = {"at": datetime(2026, 11, 20, 0, 15, tzinfo=UTC), "actor": "wang", "actor_role": "borrower",
                "details": {}, "event_hash": "e" * 64}
    return CustodyRow(action=action, **{**defaults, **fields})


def _actions_in_use() -> set[str]:
    """Every action code the code base writes (f-string codes expanded by hand below)."""
    source = "\n".join(path.read_text() for path in (ROOT / "evidence").rglob("*.py"))
    codes = set(re.findall(r'custody_record\(\s*action="([\w.]+)"', source))
    assert 'action=f"share.{what}"' in source and 'action=f"{kind}.entered"' in source
    from evidence.sharing.models import Access

    return codes | {f"share.{what}" for what in Access.What.values} | {"call.entered", "message.entered"}


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_it_has_its_own_words_for_every_action_code_in_use(language):
    phrases = LABELS[language]["custody_actions"]
    worded = {key.split(":")[0] for key in phrases}

    assert _actions_in_use() - worded == set()


def test_it_says_who_uploaded_which_exhibit_with_its_hash_in_both_languages():
    row = _row("evidence.received", details={"size": 10, "mime": "image/png", "name": "a.png"}, sha256=SHA,
               exhibit="E-002", exhibit_kind="screenshot", about_item=True)

    assert wording.custody_sentence(row, LABELS["zh-Hans"], SHANGHAI) == "借款人 wang 上传了截图 E-002（SHA-256 fac300000000…）"
    assert wording.custody_sentence(row, LABELS["en"], SHANGHAI) == "borrower wang uploaded screenshot E-002 (SHA-256 fac300000000…)"


def test_it_words_details_in_the_cases_zone_and_codes_in_words():
    row = _row("share.created", details={"lawyer": "lawyer_zhao", "expires_at": "2026-12-01T00:00:00+00:00"},
               sha256=SHA)
    verified = _row("evidence.verified", actor="", actor_role="", details={"result": "mismatch"}, exhibit="E-001",
                    exhibit_kind="photo", about_item=True, sha256=SHA)

    assert "律师 lawyer_zhao，有效期至 2026-12-01 08:00:00" in wording.custody_sentence(row, LABELS["zh-Hans"], SHANGHAI)
    assert wording.custody_sentence(verified, LABELS["zh-Hans"], SHANGHAI).startswith(
        "服务器重新计算照片 E-001 的哈希值，与收到时不一致")


def test_it_falls_back_to_a_readable_sentence_for_an_unknown_code():
    row = _row("evidence.teleported", details={"to": "mars"}, exhibit="", about_item=True, sha256=SHA)
    broken = {**LABELS["en"], "custody_actions": {**LABELS["en"]["custody_actions"], "case.created": "{actor} {0}"}}

    assert wording.custody_sentence(row, LABELS["en"], SHANGHAI) == (
        "borrower wang recorded “evidence.teleported”, about a file not in this report (SHA-256 fac300000000…)")
    assert wording.custody_sentence(_row("case.created"), broken, SHANGHAI) == "borrower wang recorded “case.created”"


def _exhibit(kind: str, **fields) -> Exhibit:
    defaults = {"number": "E-001", "item_id": "x", "title": "t", "source": "s", "purpose": "", "summary": "",
                "sha256": SHA, "size": 1, "mime": "image/png", "received_at": datetime(2024, 6, 15, 15, tzinfo=UTC),
                "occurred_at": None, "occurred_at_source": "unknown"}
    return Exhibit(kind=kind, **{**defaults, **fields})


def test_it_describes_an_exhibit_the_borrower_left_blank_as_a_careful_person_would():
    zh = LABELS["zh-Hans"]
    shot = _exhibit("screenshot", image_size=(1080, 2340), occurred_at=datetime(2024, 6, 15, 14, 45, tzinfo=UTC),
                    occurred_at_source="exif")
    recording = _exhibit("recording", mime="audio/mp4", records_call_at=datetime(2024, 6, 15, 14, 45, tzinfo=UTC),
                         records_call_number="+8613800138000", records_call_direction="in")
    export = _exhibit("export", mime="text/xml", export_format="SMS Backup & Restore", export_counts={"message": 412})

    assert wording.exhibit_purpose(shot, zh) == "证明催收方发送的信息内容及时间"
    assert wording.exhibit_summary(shot, zh, SHANGHAI, "") == "手机截图，1080×2340，截取于 2024-06-15 22:45:00（照片 EXIF 信息）"
    assert wording.exhibit_purpose(recording, zh) == "证明通话内容"
    assert wording.exhibit_summary(recording, zh, SHANGHAI, "1:35") == (
        "通话录音，时长 1:35，录于 2024-06-15 22:45:00，对应 2024-06-15 22:45:00 +8613800138000 的来电")
    assert wording.exhibit_purpose(export, zh) == "证明通话/短信记录的完整性"
    assert wording.exhibit_summary(export, zh, SHANGHAI, "") == "SMS Backup & Restore 导出，短信/消息 412 条"
    assert wording.exhibit_summary(_exhibit("screenshot", summary="本人写的"), zh, SHANGHAI, "") == "本人写的"


def _bundle(api, case, **body) -> dict:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", **body}, format="json")
    assert response.status_code == 202, response.json()
    bundle = api.get(f"/api/bundles/{response.json()['id']}/").json()
    assert bundle["status"] == "done", bundle
    return bundle


def _file(api, url: str, path: Path) -> Path:
    response = api.get(url)
    assert response.status_code == 200
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def test_it_ships_the_custody_log_as_json_lines_whose_hashes_recompute(api, case, no_tsa, tmp_path, capsys):
    upload(api, case, samples.png(), name="Screenshot_1.png")
    bundle = _bundle(api, case)
    packet = _file(api, bundle["packet_url"], tmp_path / "packet.zip")

    with zipfile.ZipFile(packet) as archive:
        lines = archive.read("custody.jsonl").decode("utf-8").splitlines()
        sums = archive.read("SHA256SUMS").decode()
        manifest = json.loads(archive.read("manifest.json"))
        listed = hashlib.sha256(archive.read("custody.jsonl")).hexdigest()
    events = [json.loads(line) for line in lines]
    assert [e["action"] for e in events][:2] == ["case.created", "evidence.received"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    for event in events:
        content = {key: value for key, value in event.items() if key != "hash"}
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert hashlib.sha256(canonical.encode()).hexdigest() == event["hash"]
    assert f"{listed}  custody.jsonl\n" in sums
    assert manifest["custody"] == {"path": "custody.jsonl", "events": len(lines), "rule": manifest["custody"]["rule"]}
    code, output = run_command("verify_packet", capsys, str(packet))
    assert code == 0, output
    assert "OK   custody.jsonl: every event matches its hash" in output

    # Someone rewrites an event ("uploaded" becomes "deleted") and lists the new file's hash: the
    # event's own hash no longer covers it, and verify_packet names the line.
    forged_lines = lines[:]
    forged_lines[1] = forged_lines[1].replace('"evidence.received"', '"evidence.deleted"')
    forged = "\n".join(forged_lines).encode() + b"\n"
    tampered = tmp_path / "forged.zip"
    with zipfile.ZipFile(packet) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = forged if info.filename == "custody.jsonl" else source.read(info)
            if info.filename == "SHA256SUMS":
                data = data.replace(listed.encode(), hashlib.sha256(forged).hexdigest().encode())
            target.writestr(info, data)
    code, output = run_command("verify_packet", capsys, str(tampered))
    assert code == 1
    assert f"FAIL custody.jsonl: every event matches its hash and the one before it: line 2 (event {events[1]['seq']})" in output


def test_it_prints_the_custody_log_and_the_exhibits_in_words(api, case, no_tsa, tmp_path):
    item = upload(api, case, samples.png(108, 234), name="Screenshot_1.png").json()
    api.patch(f"/api/evidence/{item['id']}/", {"purpose": "证明对方深夜发送威胁信息"}, format="json")

    zh = _text(_file(api, _bundle(api, case)["report_url"], tmp_path / "zh.pdf"))
    en = _text(_file(api, _bundle(api, case, language="en")["report_url"], tmp_path / "en.pdf"))

    flat = re.sub(r"\s+", "", zh)
    assert "借款人wang上传了截图E-001（SHA-256" in flat and "借款人wang填写了截图E-001的证明目的" in flat
    assert "证明对方深夜" in flat and "手机截图，108×234" in flat  # the list's cells wrap
    assert "evidence.received" not in zh and "result=ok" not in zh
    assert "borrower wang uploaded screenshot E-001 (SHA-256" in re.sub(r"\s+", " ", en)


def test_it_names_the_timestamp_authority_only_when_there_is_one(api, case, tsa, tmp_path):
    upload(api, case, samples.png(), name="Screenshot_1.png")

    text = re.sub(r"\s+", "", _text(_file(api, _bundle(api, case)["report_url"], tmp_path / "r.pdf")))

    assert "附有RFC3161可信时间戳，由CN=证据柜LocalTestTSA" in text
    assert "如已配置" not in text and "未附可信时间戳" not in text


def test_it_says_plainly_when_no_trusted_timestamp_is_attached(api, case, no_tsa, tmp_path):
    upload(api, case, samples.png(), name="Screenshot_1.png")

    zh = re.sub(r"\s+", "", _text(_file(api, _bundle(api, case)["report_url"], tmp_path / "zh.pdf")))
    en = re.sub(r"\s+", " ", _text(_file(api, _bundle(api, case, language="en")["report_url"], tmp_path / "en.pdf")))

    assert "本报告及证据包未附可信时间戳" in zh and "如已配置" not in zh and "签发" not in zh
    assert "No trusted timestamp is attached to this report or the packet." in en
