"""Benchmark-only settings: FixFirst's own settings, plus a hello-world view at /bench/hello.

Used by bench/alert_ingest_bench.py as DJANGO_SETTINGS_MODULE for its gunicorn, so the hello
view is served by the same processes, middleware and settings as the product. The product's
URL map is untouched.
"""

from fixfirst.settings import *  # noqa: F403

ROOT_URLCONF = "bench.alert_urls"
