"""Signing the audit chain's head with a key the database does not hold (审计链头签名).

A :class:`HeadSigner` signs bytes and names its public key; :class:`KeyFileSigner` keeps an Ed25519
private key in a PEM file on the application server. An HSM or a cloud KMS replaces it by
implementing the same three members and being named in ``AUDIT_SIGNER`` (a dotted path to a
callable returning the signer).

The demo generates its own key under ``var/`` on first use; production refuses to sign until
``ZHIJIAN_AUDIT_SIGNING_KEY`` names a key file (docs/security.md).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class HeadSigner(Protocol):
    """What the audit chain needs from a signing key, wherever the key lives."""

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message``."""


def key_id(public_key: bytes) -> str:
    """A short, stable name of a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_key_pem(public_key: bytes) -> str:
    return (
        Ed25519PublicKey.from_public_bytes(public_key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public_key(path: str | Path) -> bytes:
    """The raw public key from a PEM file (public key, or private key whose public half is used)."""
    return load_public_key_text(Path(path).read_bytes(), str(path))


def load_public_key_text(data: bytes, path: str = "公钥") -> bytes:
    if b"PRIVATE KEY" in data:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} 不是 Ed25519 私钥")
        return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    public = serialization.load_pem_public_key(data)
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError(f"{path} 不是 Ed25519 公钥")
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def signature_valid(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


class KeyFileSigner:
    """An Ed25519 private key in a PEM file (unencrypted; the file's permissions guard it)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        key = serialization.load_pem_private_key(self.path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"审计签名密钥 {self.path} 不是 Ed25519 私钥")
        self._key = key

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


def generate_key_file(path: str | Path) -> Path:
    """Write a new Ed25519 private key to ``path`` (mode 0600), refusing to overwrite one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return path


def configured_signer() -> HeadSigner:
    """The signer the settings name; raises ImproperlyConfigured (in Chinese) when there is none."""
    factory = getattr(settings, "AUDIT_SIGNER", "")
    if factory:
        return import_string(factory)()
    path = getattr(settings, "AUDIT_SIGNING_KEY", None)
    if not path:
        raise ImproperlyConfigured(
            "未配置审计签名密钥：请设置 ZHIJIAN_AUDIT_SIGNING_KEY 为 Ed25519 私钥文件路径（见 docs/security.md）"
        )
    path = Path(path)
    if not path.exists():
        if not getattr(settings, "AUDIT_SIGNING_KEY_GENERATE", False):
            raise ImproperlyConfigured(f"审计签名密钥文件 {path} 不存在")
        with contextlib.suppress(FileExistsError):  # another process generated it a moment ago
            generate_key_file(path)
    return KeyFileSigner(path)


def trusted_public_keys() -> dict[str, bytes]:
    """Public keys a verification accepts, by key id: the signer's and any listed in settings.

    ``AUDIT_VERIFY_KEYS`` lists PEM files (earlier keys after a rotation, or the only keys on a
    verifying machine that holds no private key).
    """
    keys: dict[str, bytes] = {}
    for path in getattr(settings, "AUDIT_VERIFY_KEYS", []):
        public = load_public_key(path)
        keys[key_id(public)] = public
    try:
        public = configured_signer().public_key
    except ImproperlyConfigured:
        return keys
    keys[key_id(public)] = public
    return keys


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key(app_configs=None, **kwargs):
    """``manage.py check --deploy``: production without a signing key cannot publish audit heads."""
    try:
        configured_signer()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return [checks.Warning(str(exc), hint="docs/security.md §1", id="zhijian.W001")]
    return []
