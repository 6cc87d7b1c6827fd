"""WSGI entry point (gunicorn zhijian.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
application = get_wsgi_application()
