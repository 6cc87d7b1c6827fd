"""Security settings (issue 15): audit signing key, login throttling, CSP, cookies, proxy TLS header.

``settings.py`` merges :func:`settings_for` into its namespace, so that every security posture is
read in one place. Environment variables (docs/security.md):

- ``ZHIJIAN_AUDIT_SIGNING_KEY``: path of the Ed25519 private key that signs audit chain heads. The
  demo and the tests generate one under ``var/``; production refuses to sign without it.
- ``ZHIJIAN_AUDIT_VERIFY_KEYS``: comma-separated PEM files of further trusted public keys
  (earlier keys after a rotation, or a verifying machine without the private key).
- ``ZHIJIAN_AUDIT_SIGNER``: dotted path of a callable returning a signer (HSM/KMS), instead of a file.
- ``ZHIJIAN_AUDIT_HEAD_HOURS``: how often a head is signed and published (default 24).
- ``ZHIJIAN_PROXY_SSL_HEADER``: the header a TLS-terminating proxy sets, e.g.
  ``X-Forwarded-Proto`` (its value must be ``https``); unset when the proxy does not set it.
- ``ZHIJIAN_SECURE_COOKIES``: ``1`` (default in production) sends cookies only over TLS.
- ``ZHIJIAN_LOGIN_FAILURES`` / ``ZHIJIAN_LOCKOUT_MINUTES``: lockout after that many failures.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def settings_for(mode: str, var_dir: Path) -> dict:
    generated_key = var_dir / "audit_signing_key.pem" if mode in {"demo", "test"} else None
    proxy_header = os.environ.get("ZHIJIAN_PROXY_SSL_HEADER", "").strip()
    secure_cookies = os.environ.get("ZHIJIAN_SECURE_COOKIES", "1" if mode == "production" else "0") == "1"
    values: dict = {
        # Audit chain heads (core/signing.py, core/audit.py).
        "AUDIT_SIGNING_KEY": os.environ.get("ZHIJIAN_AUDIT_SIGNING_KEY") or generated_key,
        "AUDIT_SIGNING_KEY_GENERATE": mode in {"demo", "test"},
        "AUDIT_VERIFY_KEYS": _env_list("ZHIJIAN_AUDIT_VERIFY_KEYS"),
        "AUDIT_SIGNER": os.environ.get("ZHIJIAN_AUDIT_SIGNER", ""),
        "AUDIT_HEAD_INTERVAL": dt.timedelta(hours=float(os.environ.get("ZHIJIAN_AUDIT_HEAD_HOURS", "24"))),
        # Login throttling (django-axes): a username is locked after repeated failures from one address.
        "AXES_FAILURE_LIMIT": int(os.environ.get("ZHIJIAN_LOGIN_FAILURES", "5")),
        "AXES_COOLOFF_TIME": dt.timedelta(minutes=int(os.environ.get("ZHIJIAN_LOCKOUT_MINUTES", "30"))),
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"]],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "zhijian.core.auth.lockout_response",
        "AXES_USERNAME_FORM_FIELD": "username",
        "AXES_VERBOSE": False,
        "AXES_ENABLE_ACCESS_FAILURE_LOG": True,
        # Behind a proxy, the client address is the proxy's; axes reads the forwarded one only if told.
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
        if proxy_header
        else ["REMOTE_ADDR"],
        # Content-Security-Policy (django-csp): scripts only from this site; inline styles stay
        # allowed (htmx's indicator, ECharts' tooltips and a few style attributes use them).
        "CONTENT_SECURITY_POLICY": {
            "DIRECTIVES": {
                "default-src": ["'self'"],
                "script-src": ["'self'"],
                "style-src": ["'self'", "'unsafe-inline'"],
                "img-src": ["'self'", "data:"],
                "font-src": ["'self'"],
                "connect-src": ["'self'"],
                "object-src": ["'none'"],
                "base-uri": ["'self'"],
                "form-action": ["'self'"],
                "frame-ancestors": ["'none'"],
            }
        },
        # Cookies of a government system: HttpOnly, SameSite, TLS-only in production, short-lived.
        "SESSION_COOKIE_SECURE": secure_cookies,
        "CSRF_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_AGE": int(os.environ.get("ZHIJIAN_SESSION_HOURS", "8")) * 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
    }
    if proxy_header:
        meta_name = "HTTP_" + proxy_header.upper().replace("-", "_")
        values["SECURE_PROXY_SSL_HEADER"] = (meta_name, "https")
    return values
