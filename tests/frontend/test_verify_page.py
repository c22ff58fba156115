"""/verify/ in real Chromium: a stranger with no account checks a good and a tampered packet, in both languages."""

import shutil
import zipfile
from pathlib import Path

import pytest
from django.test import TestCase

from evidence.reports.signing.identity import signing_identity
from tests import samples
from tests.conftest import client_for, upload
from tests.local_tsa import LocalTSA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "verify-page.png"


def build_packets(case, settings, folder: Path) -> tuple[Path, Path, str]:
    """(good packet, the same with one byte of an original changed, the changed file's name)."""
    owner = client_for(case.owner)
    upload(owner, case, samples.png(120, 260, noise=True), name="Screenshot_2026-05-01-23-14.png")
    upload(owner, case, samples.wav(0.3), name="录音 2026-05-01.wav")
    with LocalTSA(folder / "tsa") as tsa:
        settings.TSA_URL, settings.TSA_CA_PATH = tsa.url, str(tsa.ca_pem_path)
        with TestCase.captureOnCommitCallbacks(execute=True):
            bundle = owner.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer"}, format="json").json()
    good, bad = folder / "packet.zip", folder / "packet-tampered.zip"
    good.write_bytes(b"".join(owner.get(f"/api/bundles/{bundle['id']}/packet.zip").streaming_content))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("originals/001-"):
                changed, data = info.filename, data[:200] + bytes([data[200] ^ 1]) + data[201:]
            target.writestr(info, data)
    return good, bad, changed


def check(page, base: str, packet: Path) -> str:
    page.goto(f"{base}/verify/")
    page.set_input_files("#id_packet", str(packet))
    page.click("form:has(#id_packet) button[type=submit]")
    page.wait_for_selector("section.result .verdict")
    return page.locator("section.result").inner_text()


def test_a_stranger_checks_a_good_and_a_tampered_packet_in_both_languages(
        chromium, live_server, phone, case, settings, tmp_path):
    good, bad, changed = build_packets(case, settings, tmp_path)
    fingerprint = signing_identity().ca_fingerprint
    requests, errors = [], []
    for locale in ("zh-CN", "en-GB"):
        context = chromium.new_context(locale=locale, viewport={"width": 1000, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

        result = check(page, live_server.url, good)
        if locale == "zh-CN":
            assert "证据包完好：全部" in result and "✗" not in result, result
            assert fingerprint in page.locator("#certificate").inner_text()
        else:
            assert "The packet holds: all" in result and "✗" not in result, result
            # the first thing a stranger sees: the verdict, each check, then the certificate
            page.locator("section.result details summary").click()
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(tmp_path / "verify-page.png"), full_page=True)
            shutil.copy(tmp_path / "verify-page.png", SCREENSHOT)

        result = check(page, live_server.url, bad)
        failing = page.locator("table.checks tr.fail").all_inner_texts()
        assert len(failing) == 1 and changed in failing[0], failing
        assert ("证据包有问题" if locale == "zh-CN" else "The packet does not hold: 1 of") in result
        context.close()
    assert errors == []  # no CSP violation, no script error
    assert all(url.startswith(live_server.url) for url in requests), requests

    # The borrower reads the same fingerprint in the phone app's settings.
    page = phone.sign_in()
    page.goto(f"{phone.base}/#/settings")
    assert page.locator("code.fingerprint").inner_text() == fingerprint
    assert page.locator("a[href='/verify/']").count() == 1
    assert phone.errors == []
