from django.urls import path

from .hello import hello

urlpatterns = [path("bench/hello/", hello)]
