"""Production settings plus the benchmark's hello-world baseline URL (never in the product)."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
