"""QR codes of verification URLs (行政行为码), drawn locally by segno: no external service."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> bytes:
    """An SVG QR code of ``url`` with error correction level M, a 4-module quiet zone."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=6, border=4, xmldecl=True, svgns=True)
    return out.getvalue()
