from django.http import HttpResponse
from django.urls import path

from newsroom.urls import handler404, handler500  # noqa: F401
from newsroom.urls import urlpatterns as site_urlpatterns

# The ceiling for any Django page on this stack: a view returning a 30 KB string.
HELLO = ("<p>" + "مرحبا " * 5000 + "</p>").encode()[:30_000]


def hello(request):
    return HttpResponse(HELLO, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/hello/", hello), *site_urlpatterns]
