"""A PDF's scanned pages are read (a lawyer's letter photographed into a PDF); pages with text are not."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.conftest import upload
from tests.ocr.chat_pictures import FONT

pytestmark = pytest.mark.django_db

LETTER = ["律师函", "张先生：", "受某某贷委托，现正式通知您：", "如三日内不还款，我所将向法院起诉，", "并通知您的家人和单位。"]


def _scanned_page(lines: list[str]) -> Image.Image:
    """An A4 page at 150 dpi, as a phone's scanner app or a copier saves it: grey paper, black print."""
    page = Image.new("L", (1240, 1754), 246)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 44)
    for n, line in enumerate(lines):
        draw.text((140, 200 + n * 90), line, font=font, fill=20)
    return page


def _scanned_pdf(*pages: list[str]) -> bytes:
    """Image-only pages, no text layer: what PIL (and most scanner apps) write."""
    images = [_scanned_page(lines) for lines in pages]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def _text_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<html lang='zh'><body><h1>还款计划</h1><p>" + "本人同意分期还款，每月还款一千元。" * 3
                + "</p></body></html>").write_pdf()


def test_the_scanned_pages_of_a_pdf_are_read_and_the_rules_see_them(api, case):
    pdf = _scanned_pdf(LETTER, ["第二页", "本函自送达之日起生效。"])
    item_id = upload(api, case, pdf, name="律师函.pdf").json()["id"]

    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert text["status"] == "done" and text["layout"] == "text" and text["machine_read"] is True
    said = [(p["page"], p["text"]) for p in text["passages"]]
    assert any(page == 1 and "如三日内不还款，我所将向法院起诉，并通知您的家人和单位。" in t for page, t in said), said
    assert any(page == 2 and "自送达之日起生效。" in t for page, t in said), said  # each passage names its page
    assert all(p["side"] == "unknown" for p in text["passages"])

    findings = {f["rule"]: f for f in api.get(f"/api/cases/{case.id}/findings/").json()}
    assert any("法院" in p["text"] and p["item_id"] == item_id for p in findings["CN-I"]["passages"])
    hits = api.get(f"/api/cases/{case.id}/search/", {"q": "向法院起诉"}).json()["results"]
    assert [(h["kind"], h["item_id"]) for h in hits] == [("screenshot_text", item_id)]


def test_a_pdf_with_its_own_text_is_not_machine_read(api, case):
    item_id = upload(api, case, _text_pdf(), name="还款计划.pdf").json()["id"]

    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert text["status"] == "done" and text["passages"] == [] and text["content"] == ""


def test_a_broken_pdf_says_its_text_could_not_be_read(api, case, media_root):
    from evidence.intake.models import EvidenceItem
    from evidence.ocr.services import text_recognise
    from evidence.storage.backends import get_storage

    item_id = upload(api, case, _scanned_pdf(LETTER), name="scan.pdf").json()["id"]
    item = EvidenceItem.objects.get(id=item_id)
    get_storage().delete_derived(f"ocr/{item.sha256}.json")
    path = get_storage().original_path(item.sha256)
    path.chmod(0o640)
    path.write_bytes(b"%PDF-1.4\n%broken\n")  # the stored bytes gone bad: a failed reading, not a crash
    record = text_recognise(item=item)
    assert record.status == "failed" and record.error == "ocr_failed"


def test_a_page_claiming_to_be_a_hundred_feet_wide_is_read_at_a_bounded_size(api, case, media_root):
    out = io.BytesIO()
    _scanned_page(LETTER).save(out, "PDF", resolution=1)  # 1 dpi: the page says it is 1240 inches wide
    item_id = upload(api, case, out.getvalue(), name="huge.pdf").json()["id"]

    text = api.get(f"/api/evidence/{item_id}/").json()["text"]
    assert text["status"] == "done" and "法院" in text["content"]  # rendered at 2400 px, not 1.5 million
    assert not list((media_root / "tmp").glob("ocr-pdf-*")), "the rendered pages were left behind"
