import pytest

from evidence.intake.models import EvidenceItem
from evidence.storage.models import IntegrityReport
from tests import samples
from tests.conftest import run_command, tamper_original, upload


def _run(capsys) -> tuple[int, str]:
    return run_command("verify_storage", capsys)


def test_it_passes_when_every_original_matches(api, case, store, capsys):
    upload(api, case, samples.png())
    upload(api, case, samples.jpeg())

    code, out = _run(capsys)

    assert code == 0
    assert "OK: 2 originals" in out


def test_it_names_an_original_with_one_changed_byte_and_fails(api, case, store, capsys):
    good = upload(api, case, samples.png()).json()
    data = bytearray(samples.jpeg())
    bad = upload(api, case, bytes(data), name="IMG_7.jpg").json()
    data[len(data) // 2] ^= 0x01
    tamper_original(store, bad["sha256"], bytes(data))

    code, out = _run(capsys)

    assert code == 1
    assert f"CHANGED {bad['sha256']} item {bad['id']} (IMG_7.jpg)" in out
    assert good["sha256"] not in out
    assert EvidenceItem.objects.get(id=bad["id"]).verification == "mismatch"
    assert IntegrityReport.objects.get().changed == [bad["sha256"]]


def test_it_names_a_missing_original_and_fails(api, case, store, capsys):
    item = upload(api, case, samples.png()).json()
    tamper_original(store, item["sha256"], None)

    code, out = _run(capsys)

    assert code == 1
    assert f"MISSING {item['sha256']}" in out


def test_it_reports_but_keeps_a_file_no_item_names(api, case, store, capsys):
    import io

    from evidence.intake.uploads import stage_stream

    staged = stage_stream(io.BytesIO(b"stray bytes"), name="stray")
    store.promote(staged.temporary_file_path(), staged.sha256)

    code, out = _run(capsys)

    assert code == 0
    assert f"UNREFERENCED {staged.sha256}" in out
    assert store.exists(staged.sha256)


@pytest.mark.django_db
def test_the_periodic_task_runs_the_same_check(api, case):
    from evidence.intake.tasks import verify_storage_task

    upload(api, case, samples.png())

    assert verify_storage_task.delay().get() is True
    assert IntegrityReport.objects.get().checked == 1
