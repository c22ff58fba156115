"""The same screenshot kept twice (a JPEG copy, a resize, a crop) is flagged with its twin, never merged."""

import io
import subprocess
import zipfile

import pytest
from django.test import TestCase
from PIL import Image

from evidence.intake.models import EvidenceItem
from evidence.twins.models import Twin
from tests.conftest import upload
from tests.ocr.chat_pictures import THREATS, chat_png

pytestmark = pytest.mark.django_db

OTHER_CHAT = [("time", "09:12"), ("theirs", "今天必须还款"), ("mine", "好的我想办法"), ("theirs", "不然就上门找你"),
              ("theirs", "你家人电话我们都有"), ("mine", "请不要再打了")]


def _saved(png: bytes, fmt: str, **changes) -> bytes:
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    if "size" in changes:
        picture = picture.resize(changes["size"])
    if "crop" in changes:
        picture = picture.crop(changes["crop"])
    out = io.BytesIO()
    picture.save(out, fmt, **({"quality": 60} if fmt == "JPEG" else {}))
    return out.getvalue()


@pytest.fixture
def pictures(api, case):
    original = chat_png("催收-王经理", THREATS)
    files = {
        "original": (original, "Screenshot_20260501-224100.png"),
        "jpeg": (_saved(original, "JPEG"), "mmexport1714574460000.jpg"),  # what WeChat saves when forwarded
        "resized": (_saved(original, "PNG", size=(720, 1600)), "Screenshot_small.png"),
        "cropped": (_saved(original, "PNG", crop=(0, 260, 1080, 1500)), "Screenshot_cropped.png"),  # bubbles only
        "other": (chat_png("催收-王经理", OTHER_CHAT), "Screenshot_20260502-091200.png"),
    }
    return {key: upload(api, case, data, name=name).json() for key, (data, name) in files.items()}


def _twins(api, item) -> dict:
    return {twin["original_name"]: twin["how"] for twin in api.get(f"/api/evidence/{item['id']}/").json()["twins"]}


def test_copies_resizes_and_crops_of_one_screenshot_are_flagged_and_a_different_chat_is_not(api, case, pictures):
    assert _twins(api, pictures["original"]) == {"mmexport1714574460000.jpg": "picture", "Screenshot_small.png": "picture",
                                                 "Screenshot_cropped.png": "text"}
    assert _twins(api, pictures["jpeg"])["Screenshot_20260501-224100.png"] == "picture"
    assert _twins(api, pictures["cropped"])["Screenshot_20260501-224100.png"] == "text"
    assert _twins(api, pictures["other"]) == {}
    # Nothing merged or hidden: five items, five originals, each with its own hash.
    items = EvidenceItem.objects.filter(case=case)
    assert items.count() == 5 and len({item.sha256 for item in items}) == 5
    listed = api.get(f"/api/cases/{case.id}/evidence/").json()["results"]
    assert sorted(len(item["twins"]) for item in listed) == [0, 3, 3, 3, 3]  # the four copies, each of the others


def test_a_threat_kept_in_four_copies_is_quoted_once(api, case, pictures):
    findings = {f["rule"]: f for f in api.get(f"/api/cases/{case.id}/findings/").json()}
    quoted = [(p["item_id"], p["text"]) for p in findings["CN-H"]["passages"] if p["item_id"] != pictures["other"]["id"]]
    assert sorted(text for _, text in quoted) == ["不还钱就等着判刑", "你这个老赖等着坐牢吧", "再不还就去你家找你"]
    assert {item_id for item_id, _ in quoted} == {pictures["original"]["id"]}  # the first received holds them


def test_a_recording_has_no_twins_and_a_rerun_finds_the_same(api, case, pictures):
    from evidence.twins.tasks import find_twins
    from tests import samples

    recording = upload(api, case, samples.wav(1), name="call.wav").json()
    assert api.get(f"/api/evidence/{recording['id']}/").json()["twins"] == []
    before = sorted(Twin.objects.values_list("item_id", "other_id", "how"))
    for item in pictures.values():
        find_twins(item["id"])
    assert sorted(Twin.objects.values_list("item_id", "other_id", "how")) == before


def test_without_text_recognition_copies_are_still_found_by_their_look(api, case, settings):
    settings.OCR_ENGINE = "none"
    original = chat_png("催收-王经理", THREATS)
    first = upload(api, case, original, name="a.png").json()
    upload(api, case, _saved(original, "JPEG"), name="a.jpg")
    upload(api, case, _saved(original, "PNG", crop=(0, 260, 1080, 1500)), name="a-cropped.png")
    assert _twins(api, first) == {"a.jpg": "picture"}  # a crop is found by its text only


def test_the_exhibit_list_says_which_exhibits_are_the_same_screen(api, case, pictures, tmp_path):
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer", "language": "zh-Hans"}, format="json")
    assert created.status_code == 202, created.json()
    bundle = api.get(f"/api/bundles/{created.json()['id']}/").json()
    assert bundle["status"] == "done", bundle
    packet = tmp_path / "packet.zip"
    packet.write_bytes(b"".join(api.get(bundle["packet_url"]).streaming_content))
    with zipfile.ZipFile(packet) as archive:
        (tmp_path / "report.pdf").write_bytes(archive.read("report.pdf"))
        manifest_names = [name for name in archive.namelist() if name.startswith("originals/")]
    assert len(manifest_names) == 5  # every copy is its own exhibit
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], check=True,  # in reading order
                          capture_output=True, text=True).stdout
    listing = "".join(text[text.index("证据目录"):].split())
    numbers = {item.original_name: f"E-{n:03d}" for n, item in enumerate(
        sorted(EvidenceItem.objects.filter(case=case), key=lambda i: (i.occurred_at or i.received_at, i.sha256)), 1)}
    original = numbers["Screenshot_20260501-224100.png"]
    others = sorted(numbers[name] for name in ("mmexport1714574460000.jpg", "Screenshot_small.png", "Screenshot_cropped.png"))
    assert f"与{'、'.join(others)}内容相同（同一画面另存的文件，各自保留，未合并）" in listing, listing[:3000]
    assert f"与{original}、" in listing
    assert listing.count("内容相同") == 4  # the different chat (E-005) has no twin
