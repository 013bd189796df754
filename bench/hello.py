"""The benchmark's hello-world view: 30 KB of HTML from a string, no template, no query."""

from django.http import HttpResponse

HELLO = ("<p>" + "مرحبا " * 5000 + "</p>").encode()[:30_000]


def hello(request):
    return HttpResponse(HELLO, content_type="text/html; charset=utf-8")
