"""/verify/, /.well-known/evidence-locker/ca.pem and /api/verify/ca/: a stranger checks a packet with no account."""

import functools
import io
import logging
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from evidence.reports import texts
from tests import samples
from tests.conftest import client_for, upload
from tests.local_tsa import LocalTSA

SITE = "https://evidence.example.org"
SCREENSHOT = samples.png(40, 80, noise=True)
PACKETS: dict[str, Path] = {}  # built once for the module: a bundle takes seconds, the checks only read it


@pytest.fixture(scope="module")
def local_tsa(tmp_path_factory):
    with LocalTSA(tmp_path_factory.mktemp("tsa")) as tsa:
        yield tsa


@pytest.fixture
def packet(request, settings, local_tsa, tmp_path_factory) -> Path:
    """A real signed and timestamped packet of a small case (one screenshot, one recording)."""
    if "good" not in PACKETS:
        settings.TSA_URL, settings.TSA_CA_PATH = local_tsa.url, str(local_tsa.ca_pem_path)
        settings.SITE_URL = SITE
        api, case = request.getfixturevalue("api"), request.getfixturevalue("case")
        upload(api, case, SCREENSHOT, name="Screenshot_催收.png")
        upload(api, case, samples.wav(0.2), name="录音.wav")
        with TestCase.captureOnCommitCallbacks(execute=True):
            bundle = api.post(f"/api/cases/{case.id}/bundles/", {"purpose": "lawyer"}, format="json").json()
        response = api.get(f"/api/bundles/{bundle['id']}/packet.zip")
        assert response.status_code == 200
        PACKETS["good"] = tmp_path_factory.mktemp("packets") / "packet.zip"
        PACKETS["good"].write_bytes(b"".join(response.streaming_content))
    return PACKETS["good"]


@pytest.fixture
def tampered(packet) -> Path:
    """The same packet with one byte of its first original changed."""
    if "tampered" not in PACKETS:
        PACKETS["tampered"] = packet.with_name("tampered.zip")
        with zipfile.ZipFile(packet) as source, zipfile.ZipFile(PACKETS["tampered"], "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename.startswith("originals/001-"):
                    data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
                target.writestr(info, data)
    return PACKETS["tampered"]


def first_original(packet: Path) -> str:
    with zipfile.ZipFile(packet) as archive:
        return next(n for n in archive.namelist() if n.startswith("originals/001-"))


def post(language: str = "en", **files):
    fields = {name: SimpleUploadedFile(f"{name}.bin", value.read_bytes() if isinstance(value, Path) else value)
              if isinstance(value, Path | bytes) else value for name, value in files.items()}
    return Client(HTTP_ACCEPT_LANGUAGE=language).post("/verify/", fields)


def nothing_kept(media_root: Path) -> bool:
    return not list((media_root / "tmp").iterdir())


def zip_of(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def openssl_fingerprint(pem: bytes, tmp_path: Path) -> str:
    (tmp_path / "ca.pem").write_bytes(pem)
    out = subprocess.run(["openssl", "x509", "-in", tmp_path / "ca.pem", "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]  # "sha256 Fingerprint=AB:CD:…"


# The certificate


def test_it_publishes_the_ca_every_packet_carries_with_the_fingerprint_openssl_prints(packet, db, settings, tmp_path):
    settings.SITE_URL = SITE
    with zipfile.ZipFile(packet) as archive:
        in_packet = archive.read("certs/ca.pem")
    expected = openssl_fingerprint(in_packet, tmp_path)

    pem = Client().get("/.well-known/evidence-locker/ca.pem")
    assert pem.status_code == 200 and pem["Content-Type"] == "application/x-pem-file"
    assert pem.content == in_packet
    answer = Client().get("/api/verify/ca/", HTTP_AUTHORIZATION="Token stale-or-wrong")
    assert answer.status_code == 200
    assert answer.json() == {"fingerprint_sha256": expected, "url": f"{SITE}/.well-known/evidence-locker/ca.pem",
                             "verify_url": f"{SITE}/verify/"}
    page = Client().get("/verify/")
    assert page.status_code == 200 and expected in page.content.decode()


def test_it_shows_the_fingerprint_on_the_lawyers_pages(api, case, lawyer, tmp_path):
    from tests.sharing.conftest import make_bundle, share

    upload(api, case, samples.png(30, 30), name="a.png")
    shared = share(api, make_bundle(api, case), lawyer.username).json()
    from evidence.reports.signing.identity import signing_identity

    fingerprint = signing_identity().ca_fingerprint
    lawyer_web = Client()
    lawyer_web.force_login(lawyer)
    for path in ("/shared/", f"/shared/{shared['id']}/"):
        page = lawyer_web.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert fingerprint in page and 'href="/verify/"' in page, path


# The packet's README


def test_it_tells_in_the_readme_where_to_check_and_how_to_trust_the_ca_with_pdfsig(packet, db, tmp_path):
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(packet) as archive:
        archive.extractall(folder)
    readme = (folder / "README.txt").read_text()
    assert f"{SITE}/verify/" in readme and f"{SITE}/.well-known/evidence-locker/ca.pem" in readme
    assert "Certificate issuer isn't Trusted" in readme and "证书颁发者不受信任" in readme

    def run(command: str) -> str:
        done = subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True)
        return done.stdout + done.stderr

    assert "Certificate issuer isn't Trusted" in run("pdfsig report.pdf")
    # Exactly the commands README.txt gives, in both languages' sections.
    commands = [line.strip() for line in readme.splitlines() if line.strip().startswith(("mkdir nssdb", "certutil",
                                                                                         "pdfsig -nssdir"))]
    assert len(commands) == 8 and commands[:4] == commands[4:]
    for command in commands[:3]:
        run(command)
    report = run(commands[3])
    assert "Signature is Valid" in report and "Certificate is Trusted" in report, report


def test_it_explains_the_server_address_when_no_site_url_is_set(settings):
    settings.SITE_URL = ""
    readme = texts.packet_readme()
    assert "https://<server>/verify/" in readme and "<server> is the address" in readme and "{" not in readme


# The page


def test_it_passes_every_check_of_a_good_packet_in_chinese(packet, media_root):
    response = post("zh-CN", packet=packet)
    assert response.status_code == 200
    result = response.context["packet"]
    assert result["ok"] and result["failed"] == 0, result
    page = response.content.decode()
    assert "核验证据包" in page and "证据包完好" in page and "✗" not in page
    labels = [row["label"] for row in result["rows"]]
    assert any("可信时间戳" in label for label in labels) and any("本服务器的根证书" in label for label in labels)
    assert nothing_kept(media_root)


def test_it_names_the_changed_original_of_a_tampered_packet_in_english(tampered, media_root):
    response = post("en", packet=tampered)
    assert response.status_code == 200
    result = response.context["packet"]
    name = first_original(tampered)
    assert not result["ok"] and result["failing_files"] == [name]
    failed = [row for row in result["rows"] if row["ok"] is False]
    assert len(failed) == 1 and name in failed[0]["label"] and "was changed" in failed[0]["why"]
    page = response.content.decode()
    assert "The packet does not hold: 1 of" in page and name in page
    assert nothing_kept(media_root)


@functools.cache
def hostile_uploads() -> dict[str, tuple[bytes, str]]:
    bomb = zip_of({"README.txt": b"", "report.pdf": bytes(50 << 20)})  # 50 MiB of zeros in about 50 KiB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as many:
        for n in range(100_000):
            many.writestr(zipfile.ZipInfo(f"{n}"), b"")
    return {
        "not a zip": (b"%PDF-1.7 not a packet at all\n" * 100, "is not a ZIP file"),
        "a zip bomb": (bomb, "may be a “ZIP bomb”"),
        "one file inflating 1000:1": (zip_of({"README.txt": b"", "SHA256SUMS": bytes(9 << 20)}), "“SHA256SUMS” would inflate"),
        "100k entries": (buffer.getvalue(), "holds 100000 files"),
        "a path out of the folder": (zip_of({"README.txt": b"x", "../../etc/passwd": b"root:x:0:0"}),
                                     "named “../../etc/passwd”"),
        "an absolute path": (zip_of({"/etc/cron.d/x": b"* * * * * root true"}), "named “/etc/cron.d/x”"),
        "a plain zip": (zip_of({"holiday.jpg": samples.jpeg()}), "is not an evidence packet"),
        "an empty file": (b"", "is empty"),
    }


@pytest.mark.parametrize("kind", list(hostile_uploads()))
def test_it_refuses_a_hostile_upload_with_a_clear_message_and_keeps_nothing(kind, settings, media_root, db):
    settings.VERIFY_MAX_UNPACKED_BYTES = 10 << 20
    data, message = hostile_uploads()[kind]
    response = post("en", packet=data)
    assert response.status_code == 400, response.content[:300]
    assert message in response.context["error"]
    assert "✗" in response.content.decode() and nothing_kept(media_root)


def test_it_refuses_a_hostile_packet_in_chinese(media_root, db):
    response = post("zh-CN", packet=zip_of({"../../etc/passwd": b"x"}))
    assert response.status_code == 400 and "不要解压" in response.context["error"]


def test_it_answers_413_above_the_upload_limit_before_and_while_reading(settings, media_root, db):
    settings.VERIFY_UPLOAD_MAX_BYTES = 1 << 20
    too_big = post("en", packet=bytes(3 << 20))  # refused on its Content-Length
    assert too_big.status_code == 413 and "larger than the limit of 1 MiB" in too_big.context["error"]
    just_over = post("en", packet=bytes((1 << 20) + 10_000))  # within the slack: refused while it streams
    assert just_over.status_code == 413 and "larger than the limit of 1 MiB" in just_over.context["error"]
    assert nothing_kept(media_root)


def test_it_finds_one_file_in_a_packet_and_in_its_manifest(packet, media_root, tmp_path):
    found = post("en", file=SCREENSHOT, reference=packet)
    assert found.status_code == 200
    single = found.context["single"]
    assert [item["name"] for item in single["found"]] == ["Screenshot_催收.png"]
    assert single["found"][0]["exhibit"].startswith("E-") and single["packet"]["ok"]
    assert "This file is exhibit E-" in found.content.decode()

    with zipfile.ZipFile(packet) as archive:
        manifest = archive.read("manifest.json")
    by_manifest = post("zh-CN", file=SCREENSHOT, reference=manifest).context["single"]
    assert by_manifest["found"] == single["found"] and "packet" not in by_manifest

    typed = post("en", sha256=single["sha256"].upper(), reference=manifest).context["single"]
    assert typed["found"] == single["found"]
    changed = post("en", file=SCREENSHOT[:-1] + b"\0", reference=packet)
    assert changed.status_code == 200 and changed.context["single"]["found"] == []
    assert "No item in this manifest has this SHA-256" in changed.content.decode()
    assert post("en", file=SCREENSHOT, reference=b"{not json").status_code == 400
    assert post("en", reference=manifest).status_code == 400  # nothing to look for
    assert nothing_kept(media_root)


def test_it_throttles_checks_per_address(settings, db):
    settings.VERIFY_LIMIT_PER_HOUR = 2
    for _ in range(2):
        assert post("en", packet=b"x").status_code == 400
    refused = post("en", packet=b"x")
    assert refused.status_code == 429 and "Too many checks" in refused.context["error"]
    assert Client().get("/verify/").status_code == 200  # reading the page is not a check
    other = Client(REMOTE_ADDR="203.0.113.9").post("/verify/", {"packet": SimpleUploadedFile("p.zip", b"x")})
    assert other.status_code == 400  # another address has its own count


def test_it_logs_nothing_about_the_sender_or_the_file(tampered, caplog, db):
    caplog.set_level(logging.DEBUG)
    data = tampered.read_bytes()
    Client(REMOTE_ADDR="203.0.113.77").post("/verify/", {"packet": SimpleUploadedFile("王小明-证据.zip", data)})
    Client(REMOTE_ADDR="203.0.113.77").post("/verify/", {"packet": SimpleUploadedFile("王小明-证据.zip", b"")})
    assert "203.0.113.77" not in caplog.text and "王小明" not in caplog.text


def test_it_shows_the_page_to_anyone_in_both_languages(db, borrower):
    assert "Check an evidence packet" in Client(HTTP_ACCEPT_LANGUAGE="en").get("/verify/").content.decode()
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").get("/verify/")
    assert "核验证据包" in chinese.content.decode() and "<script" not in chinese.content.decode()
    assert "script-src 'self'" in chinese["Content-Security-Policy"]
    assert client_for(borrower).get("/verify/").status_code == 200


def test_the_api_and_the_command_refuse_the_same_hostile_packets(api, tmp_path, capsys):
    from tests.conftest import run_command

    evil = zip_of({"../../etc/passwd": b"x"})
    answer = api.post("/api/packets/verify/", {"file": SimpleUploadedFile("p.zip", evil)}, format="multipart")
    assert answer.status_code == 200 and answer.json()["ok"] is False
    assert "../../etc/passwd" in answer.json()["checks"][0]["detail"]
    (tmp_path / "p.zip").write_bytes(evil)
    code, output = run_command("verify_packet", capsys, str(tmp_path / "p.zip"))
    assert code == 1 and "FAIL every name in the packet is a plain relative path" in output
