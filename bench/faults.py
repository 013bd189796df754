"""Fault drills against `make serve` on loopback, each with a clear expected outcome.

    .venv/bin/python bench/faults.py [--only redis,busy,disk,kill] [--seconds 30]

1. redis  Redis is killed in the middle of a load run and started again: readers get no
          errors (pages are built from the database); /healthz stays 200 with the cache
          "degraded" (the load balancer keeps every server), /healthz/deep says 503
          while it is down and 200 after.
2. busy   The SQLite database is locked by another writer (BEGIN EXCLUSIVE) while an editor
          publishes: readers keep reading (WAL); a lock shorter than the timeout only delays
          the publish; a longer one gives the editor the 503 «busy» page, and the story
          stays as it was.
3. disk   The media folders sit on a tiny tmpfs that is nearly full while a photo is
          uploaded through the admin: the 507 page, no row, no file (needs root for mount;
          skipped otherwise).
4. kill   The worker handling an upload is killed with SIGKILL at several moments: no row
          points at a missing or partial file, gunicorn replaces the worker, and
          `media_check --delete` removes whatever was left half-way.

Needs wrk and redis-server (Debian). Every step is bounded in time; nothing leaves 127.0.0.1.
Prints one line per check (ok / FAILED) and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import PYTHON, ROOT, Serve, environment, fetch, free_port, pick_urls, prepare, wrk  # noqa: E402

RESULTS: list[tuple[bool, str]] = []


def check(ok: bool, what: str) -> None:
    RESULTS.append((bool(ok), what))
    print(f"{'ok     ' if ok else 'FAILED '} {what}", flush=True)


class Admin:
    """A signed-in editor talking to the admin over HTTP, like a browser (cookies, CSRF)."""

    def __init__(self, base: str, username: str = "editor", password: str = "sahifa-editor-demo"):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        login = self.base + "/admin/login/"
        page = self.get(login)[1]
        self.post(
            login,
            {"csrfmiddlewaretoken": self.token(page), "username": username, "password": password, "next": "/admin/"},
        )
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            raise RuntimeError("could not sign in to the admin")

    @staticmethod
    def token(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def _open(self, request, timeout=120) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url, headers={"Referer": self.base + "/admin/"}))

    def post(self, url: str, fields: dict, files: dict | None = None, timeout=120) -> tuple[int, str]:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for name, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
        for name, (filename, data) in (files or {}).items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: image/jpeg\r\n\r\n".encode()
            )
            body.write(data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(
            url,
            data=body.getvalue(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + "/admin/"},
        )
        return self._open(request, timeout=timeout)

    def upload_photo(self, data: bytes, *, timeout=120) -> tuple[int, str]:
        url = self.base + "/admin/articles/image/add/"
        page = self.get(url)[1]
        fields = {
            "csrfmiddlewaretoken": self.token(page),
            "alt_text_ar": "صورة اختبار الأعطال",
            "focal_x": "0.5",
            "focal_y": "0.5",
        }
        return self.post(url, fields, {"file": ("drill.jpg", data)}, timeout=timeout)


def noisy_jpeg(width: int, height: int) -> bytes:
    """A photo that does not compress well, so its renditions take real time and space."""
    from PIL import Image

    rng = random.Random(width * height)
    picture = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def shell(env: dict[str, str], code: str) -> str:
    script = "import django;django.setup()\n" + code
    result = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return result.stdout.strip()


def image_rows(env) -> list[str]:
    code = "import json;from articles.models import Image;"
    code += "print(json.dumps(list(Image.objects.values_list('file', flat=True))))"
    return json.loads(shell(env, code))


def stored_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file())


# --- 1. Redis stopped mid-run ---------------------------------------------------------


def drill_redis(seconds: int, connections: int) -> None:
    redis_server = shutil.which("redis-server")
    if not redis_server:
        check(False, "redis: redis-server is not installed")
        return
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-fault-redis-"))
    redis_port, port = free_port(), free_port()

    def start_redis():
        return subprocess.Popen(
            [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )

    redis = start_redis()
    env = environment(workdir, port, REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
    try:
        prepare(env, 200)
        paths = list(pick_urls(env).values())
        with Serve(env, port, workdir / "serve.log"):
            for path in paths:
                fetch(f"http://127.0.0.1:{port}{path}")
            check(fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200, "redis: /healthz 200 with Redis up")
            check(fetch(f"http://127.0.0.1:{port}/healthz/deep")[0] == 200, "redis: /healthz/deep 200 with Redis up")
            outcome = {}
            load = threading.Thread(
                target=lambda: outcome.update(
                    wrk(port, paths, seconds=seconds, connections=connections, workdir=workdir)
                )
            )
            load.start()
            time.sleep(seconds / 3)
            redis.kill()
            redis.wait()
            time.sleep(1)
            ready_down = fetch(f"http://127.0.0.1:{port}/healthz")
            deep_down = fetch(f"http://127.0.0.1:{port}/healthz/deep")[0]
            time.sleep(seconds / 3 - 1)
            redis = start_redis()
            load.join()
            time.sleep(6)  # the back-off before each worker tries Redis again
            deep_up = fetch(f"http://127.0.0.1:{port}/healthz/deep")[0]
        log = (workdir / "serve.log").read_text()
        # Readiness keeps the server in the load balancer: pages are still served without Redis.
        ready_cache = json.loads(ready_down[1]).get("cache") if ready_down[0] == 200 else None
        check(
            ready_down[0] == 200 and ready_cache == "degraded",
            f"redis: /healthz {ready_down[0]}, cache {ready_cache} while Redis is down (expected 200, degraded)",
        )
        check(deep_down == 503, f"redis: /healthz/deep {deep_down} while Redis is down (expected 503)")
        check(deep_up == 200, f"redis: /healthz/deep {deep_up} once Redis is back (expected 200)")
        errors = outcome["non_2xx"] + outcome["socket_errors"]
        check(
            errors == 0,
            f"redis: killed and restarted during {seconds} s of load: {outcome['requests']} requests, "
            f"{outcome['rps']:.0f}/s, p99 {outcome['p99_ms']:.0f} ms, {errors} errors",
        )
        check("Redis cache unavailable" in log, "redis: the outage is logged")
        check(log.count("Redis cache unavailable") <= 2 * 8, "redis: logged once per worker, not per request")
    finally:
        redis.kill()
        shutil.rmtree(workdir, ignore_errors=True)


# --- 2. SQLite busy while publishing ------------------------------------------------

LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
print("LOCKED", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def hold_lock(database: Path, seconds: float) -> subprocess.Popen:
    locker = subprocess.Popen([PYTHON, "-c", LOCKER, str(database), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert locker.stdout.readline().strip() == "LOCKED"
    return locker


def drill_busy(connections: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-fault-busy-"))
    port = free_port()
    # The server gives up on a lock after 3 s, so the drill stays short.
    env = environment(workdir, port, DJANGO_HTTPS="0", DJANGO_SQLITE_TIMEOUT="3")
    database = workdir / "db.sqlite3"
    try:
        prepare(env, 200)
        paths = list(pick_urls(env).values())
        draft = shell(
            env,
            "from articles.stories import services;from articles.models import Section;"
            "a=services.article_create(headline='خبر ينتظر النشر في تمرين القفل',section=Section.objects.first());"
            "print(a.pk)",
        )
        with Serve(env, port, workdir / "serve.log"):
            admin = Admin(f"http://127.0.0.1:{port}")
            changelist = f"http://127.0.0.1:{port}/admin/articles/article/"

            def publish(token: str) -> tuple[int, str, float]:
                started = time.monotonic()
                status, html = admin.post(
                    changelist,
                    {"csrfmiddlewaretoken": token, "action": "publish_selected", "_selected_action": draft},
                )
                return status, html, time.monotonic() - started

            # A lock shorter than the timeout: the publish waits, then goes through.
            outcome = {}
            load = threading.Thread(
                target=lambda: outcome.update(wrk(port, paths, seconds=6, connections=connections, workdir=workdir))
            )
            load.start()
            token = Admin.token(admin.get(changelist)[1])
            locker = hold_lock(database, 1.5)
            status, _html, took = publish(token)
            locker.wait()
            load.join()
            state = shell(env, f"from articles.models import Article;print(Article.objects.get(pk={draft}).status)")
            check(
                status in (200, 302) and state == "published" and took >= 1.0,
                f"busy: a 1.5 s lock delays the publish ({took:.1f} s) and it goes through (status {state})",
            )
            errors = outcome["non_2xx"] + outcome["socket_errors"]
            check(errors == 0, f"busy: readers during the lock: {outcome['requests']} requests, {errors} errors")

            # A lock longer than the timeout: a clear page, nothing saved.
            shell(
                env,
                f"from articles.stories import services;from articles.models import Article;"
                f"services.article_unpublish(article=Article.objects.get(pk={draft}))",
            )
            token = Admin.token(admin.get(changelist)[1])
            locker = hold_lock(database, 8)
            status, html, took = publish(token)
            locker.wait()
            state = shell(env, f"from articles.models import Article;print(Article.objects.get(pk={draft}).status)")
            check(
                status == 503 and "لم يُحفظ شيء" in html,
                f"busy: an 8 s lock gives the editor the 503 «busy» page after {took:.1f} s",
            )
            check(state == "unpublished", f"busy: the story stays as it was ({state})")
            check(fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200, "busy: healthy again once the lock is gone")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- 3. Disk full during an upload ------------------------------------------------


def drill_disk() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-fault-disk-"))
    tiny = workdir / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(tiny)], capture_output=True)
    if mounted.returncode != 0:
        print(f"skipped disk: cannot mount a tmpfs ({mounted.stderr.decode().strip()}); run as root", flush=True)
        shutil.rmtree(workdir, ignore_errors=True)
        return
    port = free_port()
    env = environment(
        workdir,
        port,
        DJANGO_HTTPS="0",
        DJANGO_MEDIA_ROOT=str(tiny / "media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(tiny / "private"),
    )
    try:
        # The demo newsroom's photos go to the ordinary disk; the server stores new ones on the tiny one.
        prepare(environment(workdir, port), 0)
        before = image_rows(env)
        # Leave about 150 KB: enough for the original, not for its renditions.
        filler = tiny / "filler"
        free = shutil.disk_usage(tiny).free
        filler.write_bytes(b"\0" * max(free - 150 * 1024, 0))
        photo = noisy_jpeg(400, 300)
        with Serve(env, port, workdir / "serve.log"):
            admin = Admin(f"http://127.0.0.1:{port}")
            status, html = admin.upload_photo(photo)
        left = [path for path in stored_files(tiny) if path != filler]
        check(status == 507 and "لم يُحفظ شيء" in html, f"disk: the upload answers {status} with the «disk full» page")
        check(image_rows(env) == before, "disk: no photo row was saved")
        check(not left, f"disk: no file left on the full disk ({len(left)} found)")
    finally:
        subprocess.run(["umount", str(tiny)], check=False)
        shutil.rmtree(workdir, ignore_errors=True)


# --- 4. A worker killed mid-upload ---------------------------------------------------


def drill_kill(moments: tuple[float | None, ...] = (0.4, 1.0, 1.8, 2.6, None)) -> None:
    """``None``: kill the worker right after the upload has finished (its photo must be whole)."""
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-fault-kill-"))
    port = free_port()
    env = environment(workdir, port, DJANGO_HTTPS="0", GUNICORN_WORKERS="1", GUNICORN_THREADS="2")
    try:
        prepare(env, 0)
        before = set(image_rows(env))
        photo = noisy_jpeg(4000, 3000)
        killed = 0
        with Serve(env, port, workdir / "serve.log") as server:
            for moment in moments:
                admin = Admin(f"http://127.0.0.1:{port}")
                workers = server.worker_pids()
                answer = {}

                def send(admin=admin, answer=answer):
                    try:
                        answer["status"] = admin.upload_photo(photo)[0]
                    except OSError as error:  # the connection dies with the worker
                        answer["error"] = type(error).__name__

                upload = threading.Thread(target=send)
                upload.start()
                if moment is None:
                    upload.join(timeout=120)
                else:
                    time.sleep(moment)
                for pid in workers:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                upload.join(timeout=120)
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not server.worker_pids():
                    time.sleep(0.2)
                while time.monotonic() < deadline:
                    try:
                        if fetch(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200:
                            break
                    except OSError:
                        time.sleep(0.2)
                when = "after an upload finished" if moment is None else f"{moment:.1f} s into an upload"
                print(f"        killed the worker {when} (answer: {answer or 'none'})")
            check(
                fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200,
                f"kill: gunicorn replaced the worker {killed} times and serves",
            )
        rows = set(image_rows(env)) - before
        private = workdir / "private"
        missing = [name for name in rows if not (private / name).is_file()]
        check(
            rows and not missing,
            f"kill: {len(rows)} photos were committed before a kill, none points at a missing file",
        )
        verify = subprocess.run(
            [PYTHON, "manage.py", "media_check", "--older-than", "0", "--verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        check(verify.returncode == 0, "kill: media_check --verify: every photo's original is whole")
        leftovers = [line for line in verify.stdout.splitlines() if line.startswith(("partial", "orphaned"))]
        print(f"        media_check found {len(leftovers)} files left by the killed uploads")
        cleaned = subprocess.run(
            [PYTHON, "manage.py", "media_check", "--older-than", "0", "--delete"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        after = subprocess.run(
            [PYTHON, "manage.py", "media_check", "--older-than", "0"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        check(
            cleaned.returncode == 0 and "0 partial, 0 orphaned" in after.stdout,
            "kill: media_check --delete leaves no partial or orphaned file",
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="redis,busy,disk,kill")
    parser.add_argument("--seconds", type=int, default=30, help="Length of the load run in the Redis drill.")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package: wrk).")
    wanted = set(args.only.split(","))
    if "redis" in wanted:
        drill_redis(args.seconds, args.connections)
    if "busy" in wanted:
        drill_busy(args.connections)
    if "disk" in wanted:
        drill_disk()
    if "kill" in wanted:
        drill_kill()
    failed = [what for ok, what in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
