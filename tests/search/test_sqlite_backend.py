"""The embedded default's search: FTS5 with the trigram tokenizer on SQLite, kept in step by triggers.

The suite runs on PostgreSQL; test_the_search_tests_pass_on_sqlite runs tests/search/ again in a
child pytest on a fresh SQLite database (DATABASE_URL=sqlite://…), migrated as `make run` does:
the API tests of test_search_api.py and the SQLite-only tests below, through the real API.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from evidence.ocr.models import RecognizedText
from evidence.search import backends
from tests import samples
from tests.conftest import upload

ROOT = Path(__file__).resolve().parent.parent.parent
on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="runs in the SQLite child run")


def test_the_search_tests_pass_on_sqlite(db, tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip("already on SQLite")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'evidence.sqlite3'}", "PYTHONPATH": str(ROOT),
           "DATA_DIR": str(tmp_path / "data")}
    # From tmp_path: the test settings name the test database by a relative file name.
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(ROOT / "pyproject.toml"),
                          "--rootdir", str(ROOT), str(Path(__file__).parent)], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert " 2 skipped" in run.stdout and "failed" not in run.stdout, run.stdout[-2000:]  # this one, pg_trgm


def _message(api, case, at, body):
    response = api.post(f"/api/cases/{case.id}/messages/", {"channel": "sms", "direction": "in",
                                                            "address": "13800138000", "body": body, "sent_at": at},
                        format="json")
    assert response.status_code == 201
    return response.json()["id"]


def _ids(api, case, q):
    response = api.get(f"/api/cases/{case.id}/search/", {"q": q})
    assert response.status_code == 200, response.json()
    return [hit["id"] for hit in response.json()["results"]]


@on_sqlite
def test_sqlite_has_fts5_trigram_and_the_migration_made_the_index(db):
    assert tuple(int(x) for x in sqlite3.sqlite_version.split(".")) >= (3, 34)
    assert backends.fts_available()


@on_sqlite
def test_two_and_four_character_chinese_queries_on_sqlite(api, case, other_borrower):
    court = _message(api, case, "2026-05-01T22:10", "您已逾期三十天，我们将起诉到法院")
    visit = _message(api, case, "2026-05-02T23:40", "明天上门找你家人 PAY NOW")
    from evidence.cases.services import case_create
    from tests.conftest import client_for

    theirs = case_create(owner=other_borrower, title="别人的", jurisdiction="CN")
    _message(client_for(other_borrower), theirs, "2026-05-03T10:00", "法院明天开庭")

    assert _ids(api, case, "法院") == [court]  # LIKE scan of this case
    assert _ids(api, case, "起诉到法") == [court]  # FTS5 MATCH
    assert _ids(api, case, "上门") == [visit]
    assert _ids(api, case, "pay now") == [visit]  # the trigram tokenizer folds case
    assert _ids(api, case, '"上门找') == []  # quotes are text, not FTS5 syntax


@on_sqlite
def test_the_index_follows_updates_and_deletes(api, case):
    from evidence.events.models import Event

    item = upload(api, case, samples.png(70, 70), name="截图.png").json()
    RecognizedText.objects.update_or_create(item_id=item["id"], defaults={"case": case, "status": "pending",
                                                                           "content": "我们就上门找你父母"})
    assert _ids(api, case, "上门找你") == []  # not read yet
    RecognizedText.objects.filter(item_id=item["id"]).update(status="done")  # no signal: the trigger sees it
    assert _ids(api, case, "上门找你") == [item["id"]]

    api.patch(f"/api/evidence/{item['id']}/", {"summary": "威胁曝光通讯录的短信"}, format="json")
    assert _ids(api, case, "曝光通讯录") == [item["id"]]
    api.patch(f"/api/evidence/{item['id']}/", {"summary": "别的内容"}, format="json")
    assert _ids(api, case, "曝光通讯录") == []

    gone = _message(api, case, "2026-05-04T10:00", "这条会被删掉的短信")
    assert _ids(api, case, "被删掉") == [gone]
    Event.objects.filter(id=gone).delete()
    assert _ids(api, case, "被删掉") == []


@on_sqlite
def test_a_dropped_trigger_is_put_back_and_the_index_read_again(api, case):
    kept = _message(api, case, "2026-05-01T10:00", "第一条：请尽快还款")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_event_ai")  # as a table rebuild by a later migration would
    missed = _message(api, case, "2026-05-02T10:00", "第二条：请尽快还款")
    assert _ids(api, case, "请尽快还款") == [kept]

    backends.install()  # what runs after every migrate
    assert _ids(api, case, "请尽快还款") == [missed, kept]
    third = _message(api, case, "2026-05-03T10:00", "第三条：请尽快还款")
    assert _ids(api, case, "请尽快还款") == [third, missed, kept]


@on_sqlite
def test_without_the_fts_table_it_falls_back_to_like_and_says_so(api, case, caplog):
    found = _message(api, case, "2026-05-01T10:00", "再不还钱就上门")
    backends.uninstall()
    try:
        assert _ids(api, case, "就上门") == [found]
        assert "searches scan with LIKE instead" in caplog.text
    finally:
        backends.install()
    assert backends.fts_available() and _ids(api, case, "就上门") == [found]


def test_the_fts_sql_on_a_bare_sqlite_connection():
    """The tables, triggers and MATCH the backend uses, on the Python build's own SQLite."""
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE events_event (id TEXT PRIMARY KEY, case_id TEXT, body TEXT, note TEXT)")
    database.execute("CREATE TABLE ocr_recognizedtext (item_id TEXT PRIMARY KEY, case_id TEXT, status TEXT, content TEXT)")
    database.execute("CREATE TABLE intake_evidenceitem (id TEXT PRIMARY KEY, case_id TEXT, note TEXT, "
                     "original_name TEXT, summary TEXT, purpose TEXT)")
    database.execute("INSERT INTO events_event VALUES ('e0', 'c1', '旧的：起诉到法院', '')")  # before the index

    backends._sqlite_install(database.cursor())
    database.execute("INSERT INTO events_event VALUES ('e1', 'c1', '我们将起诉到法院', '')")
    database.execute("INSERT INTO events_event VALUES ('e2', 'c2', '起诉到法院', '')")  # another case
    sql = ("SELECT d.ref FROM search_fts CROSS JOIN search_doc d ON d.id = search_fts.rowid "
           "WHERE search_fts MATCH ? AND d.source = ? AND d.case_id = ? ORDER BY d.ref")

    def refs(q, case="c1"):
        return [ref for (ref,) in database.execute(sql, (backends.fts_phrase(q), "event", case))]

    assert refs("起诉到法院") == ["e0", "e1"]
    assert refs("起诉到法院", "c2") == ["e2"]
    database.execute("UPDATE events_event SET body = '好的' WHERE id = 'e1'")
    assert refs("起诉到法院") == ["e0"]
    database.execute("DELETE FROM events_event WHERE id = 'e0'")
    assert refs("起诉到法院") == []
    database.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")
