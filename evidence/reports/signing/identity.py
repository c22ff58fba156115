"""The server's signing key and certificate chain: configured by the operator, or generated once per deployment.

Configured: settings SIGNING_KEY_PATH (unencrypted PEM key), SIGNING_CERT_PATH (PEM, the signer's
certificate first, intermediates after it) and optionally SIGNING_CA_PATH (PEM roots).
Generated: DATA_DIR/signing/current/{signer.key (0600), signer.pem, ca.pem}, made on first use.
"""

import errno
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from evidence.common.files import fsync_folder

from . import pki

logger = logging.getLogger(__name__)

ROOT_CN = "证据柜 Evidence Locker Root"
SIGNER_CN = "证据柜 Evidence Locker Signer"
ORGANIZATION = "证据柜 Evidence Locker"
KEY_FILE, CERT_FILE, CA_FILE = "signer.key", "signer.pem", "ca.pem"
CURRENT = "current"  # the committed identity; only ever created by one atomic rename

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


class SigningIdentity:
    """The signer's certificate chain and private key; the key never leaves this object (no PEM, no repr, no pickle)."""

    __slots__ = ("certificate", "intermediates", "ca_certificates", "source", "_private_key")

    def __init__(
        self,
        *,
        private_key: PrivateKey,
        certificate: x509.Certificate,
        intermediates: tuple[x509.Certificate, ...] = (),
        ca_certificates: tuple[x509.Certificate, ...] = (),
        source: str = "",
    ):
        if certificate.public_key() != private_key.public_key():
            raise ImproperlyConfigured("The signing key does not belong to the signing certificate.")
        self.certificate = certificate
        self.intermediates = tuple(intermediates)
        self.ca_certificates = tuple(ca_certificates)
        self.source = source  # "generated" or "configured"
        self._private_key = private_key

    @property
    def certificate_pem(self) -> bytes:
        """The signer's certificate followed by any intermediates (PEM), for the packet's certs/."""
        return pki.to_pem((self.certificate, *self.intermediates))

    @property
    def ca_pem(self) -> bytes:
        """The root certificate(s) a verifier should trust (PEM); empty when none was configured."""
        return pki.to_pem(self.ca_certificates)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the signer's certificate (hex): public, safe to log and to print in READMEs."""
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def ca_fingerprint(self) -> str:
        """SHA-256 of the first root in ca_pem, as `openssl x509 -fingerprint -sha256` prints it (AB:CD:…); "" with none.

        openssl reads only the first certificate of a PEM file, so this is the one to publish.
        """
        if not self.ca_certificates:
            return ""
        return self.ca_certificates[0].fingerprint(hashes.SHA256()).hex(":").upper()

    def __repr__(self) -> str:
        return f"<SigningIdentity {self.certificate.subject.rfc4514_string()} sha256={self.fingerprint} {self.source}>"

    def __reduce__(self):
        # Pickling would copy the private key into Celery messages, caches or logs: refuse.
        raise TypeError("SigningIdentity cannot be pickled; call signing_identity() where it is needed")


_lock = threading.Lock()
_cache: dict[tuple[str, ...], SigningIdentity] = {}


def signing_identity() -> SigningIdentity:
    """The identity for the current settings, loaded or generated once per process."""
    config = _config()
    with _lock:  # threads of one process: one load; processes: see _commit
        identity = _cache.get(config)
        if identity is None:
            identity = _cache[config] = _load(*config)
    return identity


def clear_identity_cache() -> None:
    """Forget loaded identities (tests, or after the operator replaced the key files)."""
    with _lock:
        _cache.clear()


def _config() -> tuple[str, ...]:
    """The settings that decide which identity is used; the cache key."""
    names = ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH", "SIGNING_CA_PATH")
    paths = tuple(str(getattr(settings, name, "") or "") for name in names)
    return (*paths, str(settings.DATA_DIR), str(getattr(settings, "SIGNING_NAME", "") or ""))


def _load(key_path: str, cert_path: str, ca_path: str, data_dir: str, name: str) -> SigningIdentity:
    """Configured files when set, else the generated identity under DATA_DIR."""
    if key_path or cert_path:
        if not (key_path and cert_path):
            raise ImproperlyConfigured("Set SIGNING_KEY_PATH and SIGNING_CERT_PATH together.")
        return _load_files(Path(key_path), Path(cert_path), Path(ca_path) if ca_path else None, "configured")
    return _load_or_generate(Path(data_dir) / "signing", name)


def _load_files(key_path: Path, cert_path: Path, ca_path: Path | None, source: str) -> SigningIdentity:
    """Read a key, a certificate chain and roots from PEM files."""
    _warn_if_key_readable_by_others(key_path)
    key = _read_key(key_path)
    chain = pki.load_pem_certs(cert_path.read_bytes())
    if not chain:
        raise ImproperlyConfigured(f"No certificate in {cert_path}.")
    extra = chain[1:] + (pki.load_pem_certs(ca_path.read_bytes()) if ca_path else [])
    roots = tuple(c for c in extra if pki.is_self_signed(c))
    intermediates = tuple(c for c in extra if not pki.is_self_signed(c))
    if not roots:
        logger.warning("No root certificate configured for signing: packets will lack certs/ca.pem")
    return SigningIdentity(
        private_key=key, certificate=chain[0], intermediates=intermediates, ca_certificates=roots, source=source
    )


def _read_key(path: Path) -> PrivateKey:
    """An unencrypted PEM private key; errors name the file, never its content."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{path} is not an unencrypted PEM private key.") from exc
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        # CMS (cryptography's PKCS7 builder) and pyhanko both sign with RSA or ECDSA only.
        raise ImproperlyConfigured(f"{path}: signing keys must be RSA or EC.")
    return key


def _warn_if_key_readable_by_others(path: Path) -> None:
    """Say so when the key file is group/world readable (the path and mode only)."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning("Signing key %s has mode %o; it should be 600", path, mode)


def _load_or_generate(directory: Path, name: str) -> SigningIdentity:
    """The committed identity in directory, generating and committing one first if there is none."""
    current = directory / CURRENT
    if not current.is_dir():
        _commit(directory, name)  # won or lost the race: `current` exists either way afterwards
    return _load_files(current / KEY_FILE, current / CERT_FILE, current / CA_FILE, "generated")


def _commit(directory: Path, name: str) -> bool:
    """Generate a complete identity in a staging folder and rename it to `current`; False if another process won."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)  # the folder holds a private key: owner only, whatever the umask
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))  # 0700, same filesystem as `current`
    try:
        fingerprint = _write_identity(staging, name)
        try:
            # rename(2) of a folder onto a non-empty folder fails, so exactly one writer wins and
            # nobody can ever see a half-written identity. The loser re-reads the winner's files.
            os.rename(staging, directory / CURRENT)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            return False
        staging = None
        fsync_folder(directory)
        logger.info("Generated a signing identity in %s (certificate sha256 %s)", directory, fingerprint)
        return True
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _write_identity(folder: Path, name: str) -> str:
    """Write a new root + signer into folder; returns the signer certificate's fingerprint."""
    ca_key = pki.new_key()
    ca_cert = pki.make_root_ca(ROOT_CN, ca_key, ORGANIZATION)
    key = pki.new_key()
    cert = pki.issue_leaf(
        common_name=f"{SIGNER_CN} · {name}" if name else SIGNER_CN,
        organization=ORGANIZATION,
        public_key=key.public_key(),
        ca_cert=ca_cert,
        ca_key=ca_key,
        # emailProtection makes OpenSSL's default `cms -verify` purpose (S/MIME signing) and NSS accept it.
        eku=pki.EMAIL_PROTECTION,
        eku_critical=False,
    )
    # The root's private key is never written anywhere: it signs this one certificate and is
    # dropped, so a copy of DATA_DIR cannot mint more certificates under our root. The price is
    # that a renewed signer needs a new root; old packets still verify with the certs/ they carry.
    del ca_key
    _write(folder / KEY_FILE, pki.key_to_pem(key), 0o600)
    _write(folder / CERT_FILE, pki.to_pem([cert]), 0o644)
    _write(folder / CA_FILE, pki.to_pem([ca_cert]), 0o644)
    fsync_folder(folder)
    return cert.fingerprint(hashes.SHA256()).hex()


def _write(path: Path, data: bytes, mode: int) -> None:
    """Create path exclusively with mode (umask-proof) and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as file:
        os.fchmod(fd, mode)
        file.write(data)
        file.flush()
        os.fsync(fd)

