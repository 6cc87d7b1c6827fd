"""WSGI entry point (gunicorn zhijian.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
application = get_wsgi_application()
# What is loaded by now (settings, apps, models: some 250,000 objects) lives as long as the worker:
# kept out of the cyclic collector's walks, a full collection no longer stalls every thread of the
# worker for a fifth of a second.
gc.freeze()
