import pytest

from evidence.intake.models import EvidenceItem
from evidence.storage.backends import get_storage
from evidence.storage.models import IntegrityReport
from tests import samples
from tests.conftest import run_command, upload


def _run(capsys) -> tuple[int, str]:
    return run_command("verify_storage", capsys)


def test_it_passes_when_every_original_matches(api, case, capsys):
    upload(api, case, samples.png())
    upload(api, case, samples.jpeg())

    code, out = _run(capsys)

    assert code == 0
    assert "OK: 2 originals" in out


def test_it_names_an_original_with_one_changed_byte_and_fails(api, case, capsys):
    good = upload(api, case, samples.png()).json()
    bad = upload(api, case, samples.jpeg(), name="IMG_7.jpg").json()
    path = get_storage().path(bad["sha256"])
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, out = _run(capsys)

    assert code == 1
    assert f"CHANGED {bad['sha256']} item {bad['id']} (IMG_7.jpg)" in out
    assert good["sha256"] not in out
    assert EvidenceItem.objects.get(id=bad["id"]).verification == "mismatch"
    assert IntegrityReport.objects.get().changed == [bad["sha256"]]


def test_it_names_a_missing_original_and_fails(api, case, capsys):
    item = upload(api, case, samples.png()).json()
    get_storage().path(item["sha256"]).unlink()

    code, out = _run(capsys)

    assert code == 1
    assert f"MISSING {item['sha256']}" in out


def test_it_reports_but_keeps_a_file_no_item_names(api, case, media_root, capsys):
    import io

    from evidence.storage.uploads import stage_stream

    staged = stage_stream(io.BytesIO(b"stray bytes"), name="stray")
    get_storage().promote(staged.temporary_file_path(), staged.sha256)

    code, out = _run(capsys)

    assert code == 0
    assert f"UNREFERENCED {staged.sha256}" in out
    assert get_storage().exists(staged.sha256)


@pytest.mark.django_db
def test_the_periodic_task_runs_the_same_check(api, case):
    from evidence.intake.tasks import verify_storage_task

    upload(api, case, samples.png())

    assert verify_storage_task.delay().get() is True
    assert IntegrityReport.objects.get().checked == 1
