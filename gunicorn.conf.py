"""gunicorn's settings for `make serve` and production (read from this file by default).

Every value can be changed from the environment without editing this file. The app
server listens on loopback behind a proxy that terminates TLS (docs/deploy.md); only
that proxy's X-Forwarded-* headers are trusted.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads let one process overlap database and cache waits; processes use both cores.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes this long is stuck: the worker is restarted (an upload of a large
# photo with its renditions takes a few seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycling workers after N requests (GUNICORN_MAX_REQUESTS) bounds a memory leak, but a
# recycled worker drops its idle keep-alive connections, and clients that reuse one at that
# moment see an error (the load run counted them). Off by default: no leak is known.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Load the app once in the master: workers start fast and share memory.
preload_app = True
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Uploads are read into memory in chunks by Django; refuse absurd headers early.
limit_request_line = 8190
limit_request_fields = 100
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Temporary upload files in memory, not on a disk that may be full or slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
