"""`manage.py seed_demo`: what `make run` shows a first-time visitor."""

from django.test import TestCase

from evidence.accounts.models import User
from evidence.cases.models import Case
from tests.conftest import client_for, run_command


def test_it_seeds_a_demo_case_with_a_timeline_and_findings_once(db, capsys):
    with TestCase.captureOnCommitCallbacks(execute=True):  # as outside a test: linking runs on commit
        code, output = run_command("seed_demo", capsys)
    assert code == 0 and "demo / demo-zhengju-2026" in output
    case = Case.objects.get(owner__username="demo")
    assert case.evidence_items.filter(kind="screenshot").count() == 1
    assert [job.status for job in case.imports.all()] == ["done", "done"]
    client = client_for(User.objects.get(username="demo"))
    # 41 calls, 5 messages, 1 picture, 1 recording
    assert client.get(f"/api/cases/{case.id}/timeline/").json()["count"] == 48
    # The answered call carries its recording, named as MIUI's dialer names it.
    answered = case.events.get(kind="call", direction="in")
    assert answered.recording.occurred_at_source == "filename" and answered.recording.original_name.startswith("通话录音@")
    rules = {finding["rule"] for finding in client.get(f"/api/cases/{case.id}/findings/").json()}
    assert {"CN-T", "CN-F2", "CN-3P"} <= rules

    code, output = run_command("seed_demo", capsys)
    assert code == 0 and "password unchanged" in output
    assert case.events.count() == 46


def test_the_demo_lawyer_sees_the_demo_bundle(db, capsys):
    code, output = run_command("seed_demo", capsys)
    assert code == 0 and "demo-lawyer / demo-zhengju-2026" in output

    shared = client_for(User.objects.get(username="demo-lawyer")).get("/api/shared/").json()
    assert [s["case_title"] for s in shared] == ["示例案件：某某贷 催收骚扰"]
    run_command("seed_demo", capsys)
    assert len(client_for(User.objects.get(username="demo-lawyer")).get("/api/shared/").json()) == 1
