"""A bare Django for the benchmark's ceiling: the hello-world view with no middleware and no apps.

What any Django page costs at least on this machine under gunicorn; reader pages are compared
with it in the same run (bench/pages.py).
"""

import os

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare_urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
