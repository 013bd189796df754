from django.urls import path

from newsroom.urls import handler404, handler500  # noqa: F401
from newsroom.urls import urlpatterns as site_urlpatterns

from .hello import hello

# The ceiling for any page of this site: the hello-world view behind all of its middleware.
urlpatterns = [path("bench/hello/", hello), *site_urlpatterns]
