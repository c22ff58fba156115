"""A tiny RFC 3161 time-stamping server on 127.0.0.1, for the tests (and development) only: never part of a deployment.

    with LocalTSA(tmp_path) as tsa:
        settings.TSA_URL = tsa.url  # tsa.ca_pem_path, tsa.cert_pem_path for openssl ts -verify

or, for development: `python -m tests.local_tsa DIR [--port 8318]`.

Not a production TSA: its time is this machine's clock, its keys live in memory only and a new
TSA CA is made at every start (each packet ships the TSA certificates it was stamped with).
"""

import argparse
import itertools
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, tsp
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from evidence.reports.signing import pki
from evidence.reports.signing.timestamps import TimeStampResp
from evidence.reports.signing.trust import to_asn1

# Our own policy OID: a UUID-derived OID under 2.25 (ITU-T X.667) needs no registration, so we do
# not borrow DummyTimeStamper's hard-coded 1.3.6.1.4.1.4146.2.2, which is GlobalSign's.
POLICY_OID = "2.25.311360779536213492265798739637769829475"
MAX_QUERY = 64 * 1024  # a TimeStampReq is ~100 bytes


class PolicyTimeStamper(DummyTimeStamper):
    """DummyTimeStamper with our policy OID and serial numbers that never repeat within one TSA."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._serials = itertools.count(secrets.randbits(62))  # random start: two runs don't collide either
        self._serial_lock = threading.Lock()

    def _build_tst_info(self, message_imprint, dt, req) -> tsp.TSTInfo:
        # pyhanko has no public hook for the policy; _build_tst_info is the documented-by-source one.
        # If pyhanko renames it, test_it_uses_its_own_policy_oid fails rather than GlobalSign's OID sneaking back.
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(POLICY_OID)
        with self._serial_lock:
            info["serial_number"] = next(self._serials)
        return info


class _Server(ThreadingHTTPServer):
    """The HTTP server, holding the stamper its handlers use."""

    daemon_threads = True
    stamper: PolicyTimeStamper


class _Handler(BaseHTTPRequestHandler):
    """POST a DER TimeStampReq (application/timestamp-query), get a TimeStampResp back."""

    server: _Server

    def do_POST(self) -> None:
        """Answer one query (RFC 3161 §3.4)."""
        length = int(self.headers.get("Content-Length") or 0)
        if self.headers.get_content_type() != "application/timestamp-query" or not 0 < length <= MAX_QUERY:
            self._send(400, "text/plain", b"expected an application/timestamp-query body\n")
            return
        body = self.rfile.read(length)
        try:
            request = tsp.TimeStampReq.load(body)
            if request.native is None:  # parse fully now, so garbage is rejected rather than signed
                raise ValueError("empty request")
            reply = self.server.stamper.request_tsa_response(request)
        except Exception:
            reply = TimeStampResp({"status": {"status": "rejection", "fail_info": {"bad_data_format"}}})
        self._send(200, "application/timestamp-reply", reply.dump())

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        """Write a complete response."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        """Stay quiet: tests and dev servers don't need an access log."""


class LocalTSA:
    """A TSA with its own CA, served from a background thread; a context manager."""

    def __init__(self, directory: str | Path, host: str = "127.0.0.1", port: int = 0):
        self.directory = Path(directory)
        self.host = host
        self.port = port  # 0: the OS picks a free port
        self.ca_pem_path = self.directory / "tsa-ca.pem"
        self.cert_pem_path = self.directory / "tsa.pem"
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where to send queries (valid once started)."""
        if self._server is None:
            raise RuntimeError("LocalTSA is not running")
        return f"http://{self.host}:{self._server.server_address[1]}/"

    def start(self) -> "LocalTSA":
        """Make the TSA's CA and certificate, write their PEMs, and start serving."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._server = _Server((self.host, self.port), _Handler)
        self._server.stamper = self._make_stamper()
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-tsa", daemon=True)
        self._thread.start()
        return self

    def _make_stamper(self) -> PolicyTimeStamper:
        """A new TSA CA and TSA certificate (EKU timeStamping, critical, as RFC 3161 §2.3 requires)."""
        ca_key = pki.new_key()
        ca_cert = pki.make_root_ca("证据柜 Local Test TSA Root", ca_key, "证据柜 Evidence Locker (test)")
        key = pki.new_key()
        cert = pki.issue_leaf(
            common_name="证据柜 Local Test TSA",
            organization="证据柜 Evidence Locker (test)",
            public_key=key.public_key(),
            ca_cert=ca_cert,
            ca_key=ca_key,
            eku=pki.TIME_STAMPING,
            eku_critical=True,  # `openssl ts -verify` rejects a TSA whose timeStamping EKU is not critical
        )
        self.ca_pem_path.write_bytes(pki.to_pem([ca_cert]))
        self.cert_pem_path.write_bytes(pki.to_pem([cert]))
        key_der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Only the TSA certificate goes into tokens; the CA must come from the verifier's side.
        return PolicyTimeStamper(to_asn1(cert), keys.PrivateKeyInfo.load(key_der))

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "LocalTSA":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> None:
    """Serve a local TSA until interrupted, for development (set TSA_URL to the printed URL)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="where to write tsa-ca.pem and tsa.pem")
    parser.add_argument("--port", type=int, default=8318)
    args = parser.parse_args()
    with LocalTSA(args.directory, port=args.port) as tsa:
        print(f"TSA_URL={tsa.url}\nTSA CA: {tsa.ca_pem_path}\nTSA cert: {tsa.cert_pem_path}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
