"""FixFirst's URLs plus /bench/hello/, for bench/statuspage_bench.py only."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello), path("", include("fixfirst.urls"))]
