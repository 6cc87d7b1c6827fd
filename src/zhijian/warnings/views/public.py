"""Public pages: the consumer warnings (消费提示) published on the portal."""

from django.shortcuts import render

from zhijian.core.access import public_view
from zhijian.core.lists import paginate

from ..queries import public_notices


@public_view
def notices(request):
    page = paginate(request, public_notices(), default_size=20)
    return render(request, "warnings/public_notices.html", {"notices": page.rows, "page": page})
