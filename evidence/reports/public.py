"""What a stranger needs to check a packet, without an account: the server's CA certificate and /verify/.

/verify/ runs the same checks as `manage.py verify_packet` on an uploaded packet.zip, or says whether
one file's SHA-256 is in a packet's manifest. Uploads go to a folder of their own under storage's
temporary area, named by form field (never by the client), and the folder is removed before the
answer leaves, whatever happened. Nothing about the upload or the sender is logged.
"""

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse, HttpResponseNotFound
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from evidence.accounts.services import client_ip
from evidence.common.throttle import attempt_allowed
from evidence.reports import verify
from evidence.reports.signing.identity import signing_identity
from evidence.storage.backends import get_storage

UPLOAD_FIELDS = ("packet", "file", "reference")
SHA256_TEXT = re.compile(r"^[0-9a-fA-F]{64}$")


def _absolute(request, path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if settings.SITE_URL else request.build_absolute_uri(path)


def published_ca() -> tuple[bytes, str]:
    """(PEM, fingerprint) of the root every packet ships as certs/ca.pem; (b"", "") when none is configured."""
    identity = signing_identity()
    return identity.ca_pem, identity.ca_fingerprint


# --- the certificate ------------------------------------------------------------------------


@require_GET
def ca_pem(request):
    pem, fingerprint = published_ca()
    if not pem:
        return HttpResponseNotFound("This server signs with a configured key and publishes no root certificate.\n",
                                    content_type="text/plain; charset=utf-8")
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="evidence-locker-ca.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    response["ETag"] = '"' + fingerprint.replace(":", "").lower() + '"'
    response["Access-Control-Allow-Origin"] = "*"  # public by design: any verifier's script may fetch it
    return response


class CaOutput(serializers.Serializer):
    fingerprint_sha256 = serializers.CharField(allow_null=True, help_text="As `openssl x509 -fingerprint -sha256` "
                                               "prints it for certs/ca.pem; null when no root is published.")
    url = serializers.URLField(allow_null=True, help_text="The certificate (PEM).")
    verify_url = serializers.URLField(help_text="The public page that checks a packet.")


class VerifyCaApi(APIView):
    """The server's signing root: its fingerprint and where to download it. Public."""

    authentication_classes = []  # public: a stale token must not turn this into a 401
    permission_classes = [AllowAny]

    @extend_schema(responses=CaOutput, auth=[])
    def get(self, request):
        pem, fingerprint = published_ca()
        return Response({
            "fingerprint_sha256": fingerprint or None,
            "url": _absolute(request, reverse("ca-pem")) if pem else None,
            "verify_url": _absolute(request, reverse("verify-page")),
        })


# --- the page -------------------------------------------------------------------------------


@dataclass
class Received:
    path: Path
    size: int
    sha256: str


class _BoundedUploads(FileUploadHandler):
    """Writes each expected file field to folder/<field>, hashing as it arrives; the whole body is bounded."""

    chunk_size = 1 << 20

    def __init__(self, request, *, folder: Path, max_bytes: int):
        super().__init__(request)
        self.folder, self.max_bytes, self.total = folder, max_bytes, 0
        self.files: dict[str, Received] = {}
        self._file = self._digest = None

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name not in UPLOAD_FIELDS or field_name in self.files:
            raise SkipFile()
        self._file, self._digest = open(self.folder / field_name, "xb"), hashlib.sha256()

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.total > self.max_bytes:
            raise RequestDataTooBig()
        self._digest.update(raw_data)
        self._file.write(raw_data)

    def file_complete(self, file_size):
        self._file.close()
        self.files[self.field_name] = Received(self.folder / self.field_name, file_size, self._digest.hexdigest())
        self._file = None

    def close(self):
        if self._file is not None:
            self._file.close()


class Refused(Exception):
    """The upload cannot be checked; message says why, in the page's language."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def _limit_mib() -> int:
    return settings.VERIFY_UPLOAD_MAX_BYTES >> 20


def _page(request, status: int = 200, **context):
    pem, fingerprint = published_ca()
    return render(request, "reports/verify.html", {
        "fingerprint": fingerprint, "ca_url": reverse("ca-pem") if pem else "", "limit_mib": _limit_mib(),
        **context}, status=status)


# The upload handlers must be set before anything reads the body, and CSRF protection reads it; the
# page needs no CSRF token anyway: it changes nothing, uses no session, and answers only the sender.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_page(request):
    if request.method == "GET":
        return _page(request)
    if not attempt_allowed("verify", client_ip(request), limit=settings.VERIFY_LIMIT_PER_HOUR, window_s=3600):
        return _page(request, 429, error=_("Too many checks from this address. Try again in an hour."))
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > settings.VERIFY_UPLOAD_MAX_BYTES + (64 << 10):
        return _page(request, 413, error=_too_large())  # refused before a byte of it is read
    folder = Path(tempfile.mkdtemp(prefix="verify-", dir=get_storage().scratch))
    uploads = _BoundedUploads(request, folder=folder, max_bytes=settings.VERIFY_UPLOAD_MAX_BYTES)
    request.upload_handlers = [uploads]
    try:
        return _page(request, **_check(request, uploads, folder))
    except Refused as refused:
        return _page(request, refused.status, error=refused.message)
    finally:
        uploads.close()
        shutil.rmtree(folder, ignore_errors=True)


def _too_large() -> str:
    return _("The upload is larger than the limit of %(limit)s MiB.") % {"limit": _limit_mib()}


def _check(request, uploads: _BoundedUploads, folder: Path) -> dict:
    try:
        typed = request.POST.get("sha256", "").strip()
    except RequestDataTooBig:
        raise Refused(_too_large(), 413) from None
    except (MultiPartParserError, SuspiciousOperation):
        raise Refused(_("The upload could not be read. Send it again from the form on this page.")) from None
    files = uploads.files
    if "reference" in files or "file" in files or typed:
        return {"single": _single_file(files, typed, folder)}
    if "packet" not in files:
        raise Refused(_("Choose a packet (packet.zip) to check."))
    return {"packet": _packet(files["packet"], folder)}


def _nonempty(received: Received | None, missing: str) -> Received:
    if received is None:
        raise Refused(missing)
    if received.size == 0:
        raise Refused(_("The file you sent is empty."))
    return received


def _trusted_ca() -> bytes | None:
    pem, _fingerprint = published_ca()
    return pem or None


def _packet(received: Received, folder: Path) -> dict:
    _nonempty(received, "")
    checks = verify.verify_packet(received.path, _trusted_ca(), limits=verify.Limits.from_settings(), workdir=folder)
    if checks[0].refused or (checks[0].key == "layout" and not checks[0].ok):
        raise Refused(refusal_text(checks[0]))
    return packet_result(checks)


def refusal_text(check: verify.Check) -> str:
    limits = verify.Limits.from_settings()
    texts = {
        "zip": _("This file is not a ZIP file, or it is damaged, so it cannot be a packet."),
        "entries": _("This ZIP holds %(count)s files; this page checks at most %(limit)s. A packet from this "
                     "server never holds that many.") % {"count": check.subject, "limit": limits.max_entries},
        "unpacked": _("This ZIP would unpack to %(mib)s MiB; this page checks at most %(limit)s MiB. It may be a "
                      "“ZIP bomb”: do not unpack it.") % {"mib": check.subject,
                                                          "limit": limits.max_unpacked_bytes >> 20},
        "ratio": _("In this ZIP, “%(name)s” would inflate to more than %(ratio)s times its packed size. It is a "
                   "“ZIP bomb”: do not unpack it.") % {"name": check.subject, "ratio": verify.MAX_RATIO},
        "names": _("This ZIP holds a file named “%(name)s”: a name that would be written outside the folder it is "
                   "unpacked into, or a name that appears twice. A packet never holds one; do not unpack "
                   "it.") % {"name": check.subject},
        "layout": _("This ZIP is not an evidence packet: it lacks README.txt, report.pdf, manifest.json or "
                    "SHA256SUMS."),
    }
    return texts.get(check.key, check.line())


def check_label(check: verify.Check) -> str:
    """What a check looks at, in the page's language, naming its file."""
    labels = {
        "layout": _("The packet has README.txt, report.pdf, manifest.json and SHA256SUMS"),
        "sha256": _("%(name)s is unchanged (its SHA-256 is the one in SHA256SUMS)"),
        "missing": _("%(name)s, listed in SHA256SUMS, is in the packet"),
        "unreadable": _("%(name)s can be read"),
        "listed": _("Every file in the packet is listed in SHA256SUMS"),
        "ca": _("certs/ca.pem holds the signing root certificate"),
        "fingerprint": _("Fingerprint (SHA-256) of the packet's root certificate"),
        "trusted": _("The packet is signed under this server's root certificate"),
        "signature": _("The signature over SHA256SUMS (SHA256SUMS.sig) holds"),
        "timestamp": _("The trusted timestamp over SHA256SUMS (SHA256SUMS.tsr) holds"),
        "pdf": _("The signature of report.pdf holds and covers the whole document"),
        "manifest": _("manifest.json can be read"),
        "items": _("Every item in manifest.json is in the packet with its SHA-256"),
        "evidence_set": _("evidence_set_sha256 in manifest.json matches the items"),
        "custody": _("Every event of the custody log (custody.jsonl) matches its hash and the event before it"),
    }
    label = labels.get(check.key)
    return label % {"name": check.subject} if label and "%(name)s" in label else (label or check.name)


def failure_text(check: verify.Check) -> str:
    """Why a failed check matters, in words, naming the file."""
    texts = {
        "sha256": _("This file's bytes are not the ones the server signed: it was changed, or replaced, after "
                    "the packet was made."),
        "missing": _("The packet lacks a file it lists."),
        "listed": _("The packet holds files the server did not put in it: %(names)s") % {"names": check.detail},
        "trusted": _("The packet's certificate is not this server's. If the packet comes from another server, "
                     "compare its fingerprint with the one that server publishes."),
        "items": _("These exhibits are missing or changed: %(names)s") % {"names": check.detail},
        "timestamp": _("The timestamp does not match SHA256SUMS or its authority's certificate."),
        "custody": _("The custody log was changed after the server wrote it: %(detail)s") % {"detail": check.detail},
    }
    return texts.get(check.key, "")


def packet_result(checks: list[verify.Check]) -> dict:
    """The rows of the page: every check, with the passing file hashes folded into one row."""
    hashed = [c for c in checks if c.key == "sha256" and c.ok]
    rows, folded = [], False
    for check in checks:
        if check.key == "sha256" and check.ok:
            if not folded:
                rows.append({"ok": True, "label": _("%(count)s files are unchanged (each SHA-256 is the one in "
                                                    "SHA256SUMS)") % {"count": len(hashed)},
                             "files": [c.subject for c in hashed]})
                folded = True
            continue
        rows.append({"ok": check.ok, "label": check_label(check), "why": "" if check.ok is not False else
                     failure_text(check), "detail": check.detail, "code": check.key == "fingerprint"})
    failed = [c for c in checks if c.ok is False]
    return {"ok": not failed, "rows": rows, "failed": len(failed), "total": len(checks),
            "failing_files": [c.subject for c in failed if c.subject]}


def _single_file(files: dict, typed: str, folder: Path) -> dict:
    if "file" in files:
        sha256 = _nonempty(files["file"], "").sha256
    elif SHA256_TEXT.match(typed):
        sha256 = typed.lower()
    else:
        raise Refused(_("Choose the file to look for, or type its SHA-256 (64 hexadecimal characters)."))
    reference = _nonempty(files.get("reference"), _("Choose the packet (packet.zip) or its manifest.json to "
                                                    "look in."))
    limits = verify.Limits.from_settings()
    try:
        manifest, is_packet = verify.manifest_of(reference.path, limits)
    except verify.PacketRefused as refused:
        raise Refused(refusal_text(refused.check)) from None
    except ValueError:
        raise Refused(_("This is neither a packet (packet.zip) nor its manifest.json.")) from None
    found = [{"exhibit": item.get("exhibit") or "—", "path": item.get("path") or "",
              "name": item.get("original_name") or "", "kind": item.get("kind") or "",
              "received_at": item.get("received_at") or ""} for item in verify.items_with_sha256(manifest, sha256)]
    result = {"sha256": sha256, "found": found, "is_packet": is_packet}
    if is_packet:  # the manifest only counts if the packet holding it is whole: say so
        checks = verify.verify_packet(reference.path, _trusted_ca(), limits=limits, workdir=folder)
        result["packet"] = packet_result(checks)
    return result
