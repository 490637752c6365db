"""Benchmark-only URL map: the product's URLs plus ``GET /bench/hello`` (see alert_settings)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from fixfirst.urls import handler404, handler500
from fixfirst.urls import urlpatterns as product_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def hello(request: HttpRequest) -> HttpResponse:
    """The baseline: a Django view through the full middleware stack, no database."""
    return HttpResponse("Hello, world!\n", content_type="text/plain")


urlpatterns = [path("bench/hello", hello), *product_urlpatterns]
