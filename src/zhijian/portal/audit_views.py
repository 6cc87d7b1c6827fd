"""The public audit heads page (审计链头公示): signed heads anyone may download and keep.

Like a Certificate Transparency log's signed tree heads: a head published here and kept by an
auditor can no longer be matched by a rewritten chain (docs/security.md).
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

from zhijian.core import audit, signing
from zhijian.core.access import public_view
from zhijian.core.models import AuditCheckpoint

HEADS_SHOWN = 30


def _signed_heads():
    return AuditCheckpoint.objects.exclude(signature="").order_by("-id")


@public_view
def audit_heads(request):
    heads = list(_signed_heads()[:HEADS_SHOWN])
    for head in heads:
        head.commitments = json.loads(head.statement).get("commitments", [])
    keys = [
        {"id": kid, "pem": signing.public_key_pem(public)}
        for kid, public in signing.trusted_public_keys().items()
    ]
    return render(request, "portal/audit_heads.html", {"heads": heads, "keys": keys})


@public_view
def audit_head_file(request, pk: int | None = None):
    """A head as the JSON file an auditor keeps (the latest when no id is given)."""
    heads = _signed_heads()
    head = heads.filter(pk=pk).first() if pk is not None else heads.first()
    if head is None:
        raise Http404
    body = json.dumps(audit.head_document(head), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zhijian-audit-head-{head.seq}.json"'
    return response


@public_view
def audit_public_key(request, key_id: str):
    public = signing.trusted_public_keys().get(key_id)
    if public is None:
        raise Http404
    return HttpResponse(signing.public_key_pem(public), content_type="application/x-pem-file")
