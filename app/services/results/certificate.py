"""The centre's signing key and certificate: loaded from the configured files, or a demo pair.

Production points RESULT_SIGNING_KEY / RESULT_SIGNING_CERT at the province's certificate (PEM
files, or a PKCS#12 file as the key with RESULT_SIGNING_PASSWORD). Only when those settings are
left at their defaults (RESULT_SIGNING_DEMO) and neither file exists is a self-signed demo pair
made, under an exclusive lock so that several workers starting at once agree on one pair.
After a renewal, RESULT_SIGNING_PREVIOUS names the earlier certificates, so that results signed
with them still verify as the centre's.
"""

import datetime as dt
import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import current_app

DEMO_UNIT = "Chứng thư thử nghiệm, không có giá trị pháp lý"  # said on the demo certificate itself
DEMO_YEARS = 5


class SigningUnavailable(Exception):
    """The configured key or certificate is missing or unreadable (an operator's mistake)."""


@dataclass(frozen=True)
class Credentials:
    key: asn1_keys.PrivateKeyInfo
    cert: asn1_x509.Certificate
    chain: tuple[asn1_x509.Certificate, ...]  # intermediates shipped in a PKCS#12 file
    # Certificates the centre signed with before (RESULT_SIGNING_PREVIOUS): still the centre's
    # for results signed then; each file's first certificate, the rest of it their chain.
    earlier: tuple[asn1_x509.Certificate, ...] = ()
    earlier_chain: tuple[asn1_x509.Certificate, ...] = ()

    @property
    def pinned(self) -> tuple[asn1_x509.Certificate, ...]:
        """Every certificate whose signature is the centre's: today's, then the earlier ones."""
        return (self.cert, *self.earlier)

    @property
    def known(self) -> set[bytes]:
        """The DER of every certificate a signature of the centre's may carry."""
        return {c.dump() for c in (self.cert, *self.chain, *self.earlier, *self.earlier_chain)}

    @property
    def name(self) -> str:
        """Who signs, as readers and /xac-thuc name the signer: the certificate's common name."""
        return subject_name(self.cert)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.cert.dump()).hexdigest()


def subject_name(cert: asn1_x509.Certificate) -> str:
    """A certificate's holder, in words: its common name, else its organisation."""
    subject = cert.subject.native
    return str(subject.get("common_name") or subject.get("organization_name") or "")[:200]


def make_demo_pair(key_path: Path, cert_path: Path, centre: str, *, overwrite: bool = False) -> bool:
    """Write a self-signed demo key and certificate naming the centre; False if they exist.

    P-256 keeps making one fast (a few ms). The key file is written 0600, both atomically.
    """
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    lock = key_path.parent / ".signing.lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a second worker waits, then finds the pair made
        if not overwrite and (key_path.exists() or cert_path.exists()):
            return False
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, centre[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_UNIT[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, centre[:64]),
        ])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365 * DEMO_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), 0o600)
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return True


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def credentials() -> Credentials:
    """Return the centre's key and certificate, read once per process and again when a file changes."""
    config = current_app.config
    key_path, cert_path = Path(config["RESULT_SIGNING_KEY"]), Path(config["RESULT_SIGNING_CERT"])
    if config.get("RESULT_SIGNING_DEMO") and not key_path.exists() and not cert_path.exists():
        make_demo_pair(key_path, cert_path, config["CENTRE_NAME"])
    try:  # a PKCS#12 key may carry its certificate: then the certificate file may be absent
        cert_time = cert_path.stat().st_mtime_ns if cert_path.exists() else None
        stamp = (str(key_path), key_path.stat().st_mtime_ns, str(cert_path), cert_time,
                 config.get("RESULT_SIGNING_PREVIOUS") or "")
    except OSError as exc:
        raise SigningUnavailable(f"signing key missing: {exc}") from exc
    cached = current_app.extensions.get("result_signing")
    if cached is None or cached[0] != stamp:
        cached = current_app.extensions["result_signing"] = (
            stamp, _with_earlier(_load(key_path, cert_path, config.get("RESULT_SIGNING_PASSWORD") or None),
                                 config.get("RESULT_SIGNING_PREVIOUS") or ""))
    return cached[1]


def _with_earlier(cred: Credentials, setting: str) -> Credentials:
    """Add the certificates named by RESULT_SIGNING_PREVIOUS (PEM files, separated by os.pathsep)."""
    earlier, chain = [], []
    for name in filter(None, setting.split(os.pathsep)):
        try:
            found = x509.load_pem_x509_certificates(Path(name).read_bytes())
        except (OSError, ValueError) as exc:
            raise SigningUnavailable(f"earlier signing certificate unreadable: {name}: {exc}") from exc
        loaded = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in found]
        earlier.append(loaded[0])
        chain.extend(loaded[1:])
    return Credentials(cred.key, cred.cert, cred.chain, tuple(earlier), tuple(chain))


def _load(key_path: Path, cert_path: Path, password: str | None) -> Credentials:
    secret = password.encode() if password else None
    try:
        raw = key_path.read_bytes()
        if key_path.suffix.lower() in (".p12", ".pfx"):
            from cryptography.hazmat.primitives.serialization import pkcs12

            key, cert, extra = pkcs12.load_key_and_certificates(raw, secret)
            if key is None:
                raise ValueError("the PKCS#12 file holds no private key")
            if cert is None:  # the certificate may be kept beside the bundle instead
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        else:
            key = serialization.load_pem_private_key(raw, secret)
            cert, extra = x509.load_pem_x509_certificate(cert_path.read_bytes()), []
    except (OSError, ValueError, TypeError) as exc:
        raise SigningUnavailable(f"signing key or certificate unreadable: {exc}") from exc
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return Credentials(
        key=asn1_keys.PrivateKeyInfo.load(der),
        cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        chain=tuple(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                    for c in extra or []),
    )
