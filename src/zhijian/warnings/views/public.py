"""Public pages: the consumer warnings (消费提示) published on the portal."""

from django.shortcuts import render

from zhijian.core.access import public_view

from ..queries import public_notices


@public_view
def notices(request):
    return render(request, "warnings/public_notices.html", {"notices": public_notices()[:50]})
