"""Settings for bench/statuspage_bench.py only: FixFirst with a URLconf that adds a hello-world
view to compare against. Never used by the product.

With BENCH_FAST_PATH=1 the status-page fast path (``fixfirst.statuspage.middleware``) is put
first in the middleware stack, to measure what it would gain.
"""

import os

from fixfirst.settings import *  # noqa: F403
from fixfirst.settings import MIDDLEWARE

ROOT_URLCONF = "bench.statuspage_urls"
if os.environ.get("BENCH_FAST_PATH") == "1":
    MIDDLEWARE = ["fixfirst.statuspage.middleware.StatusPageFastPath", *MIDDLEWARE]
