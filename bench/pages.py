"""Reader-page throughput at two archive sizes, against a hello-world Django view in the same run.

    .venv/bin/python bench/pages.py [--sizes 1000,100000] [--seconds 8] [--connections 32]

For each archive size: a fresh SQLite database in a temporary folder, ``generate_articles``,
then gunicorn (2 sync workers, production settings, loopback only) is started twice — page
cache on, then off — and wrk measures the hello-world view, home, a story, a tag page and a
search. Queries per page are counted in-process with the page cache off. Results go to
bench/results/pages-<time>.md and .json; ratios are computed against hello-world of the
same run, so the machine's speed cancels out. Bounded: about 6–9 minutes with the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, *, page_cache: bool) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_CACHE_DIR": str(workdir / ("cache" if page_cache else "cache-off")),
        "DJANGO_PAGE_CACHE_SECONDS": "600" if page_cache else "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return env


def manage(env, *args) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout


def pick_urls(env) -> dict[str, str]:
    script = (
        "import django,json;django.setup();"
        "from articles.models import Article;"
        "a=Article.objects.published().filter(is_generated=True).order_by('-published_at').first();"
        "t=a.tags.order_by('pk').first();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u,_=get_user_model().objects.get_or_create(username='bench-editor',defaults={'is_staff':True,'is_superuser':True});"
        "s=SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();"
        "print(json.dumps({'story':a.get_absolute_url(),'tag':t.get_absolute_url(),'word':a.headline.split()[0],"
        "'session':s.session_key}))"
    )
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    global SESSION
    SESSION = data["session"]
    return {
        "hello": "/bench/hello/",
        "home": "/",
        "story": data["story"],  # reverse() already percent-encodes
        "tag": data["tag"],
        "search": "/search/?q=" + urllib.parse.quote(data["word"]),
        "admin": "/admin/articles/article/",
    }


SESSION = ""
STAFF_PAGES = {"admin"}


def count_queries(env, urls: dict[str, str]) -> dict[str, int]:
    script = (
        "import django,json,sys;django.setup();"
        "from django.test import Client;from django.test.utils import CaptureQueriesContext;"
        "from django.db import connection;"
        "urls=json.loads(sys.argv[1]);out={}\n"
        "for name,url in urls.items():\n"
        "    c=Client()\n"
        "    if name=='admin': c.cookies['sessionid']=sys.argv[2]\n"
        "    c.get(url)\n"
        "    with CaptureQueriesContext(connection) as q: c.get(url)\n"
        "    out[name]=len(q)\n"
        "print(json.dumps(out))"
    )
    env = {**env, "DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_ALLOWED_HOSTS": "testserver"}
    out = subprocess.run(
        [PYTHON, "-c", script, json.dumps(urls), SESSION], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, env, port: int):
        self.env, self.port = env, port

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "newsroom.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--worker-class=sync",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/bench/hello/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start: " + self.process.stderr.read(4000).decode())

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def wrk(port: int, path: str, *, seconds: int, connections: int, cookie: str = "") -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(20):  # warm up the page cache and the workers
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10).read()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{url} answered {error.code}") from error
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            *(["-H", f"Cookie: {cookie}"] if cookie else []),
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def run(sizes: list[int], seconds: int, connections: int) -> dict:
    results = {"started": datetime.now().isoformat(timespec="seconds"), "sizes": {}}
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"sahifa-bench-{size}-"))
        try:
            env = environment(workdir, page_cache=True)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "collectstatic", "--noinput", "-v0")
            started = time.monotonic()
            manage(env, "generate_articles", f"--count={size}")
            generated_in = time.monotonic() - started
            urls = pick_urls(env)
            entry = {"generated_seconds": round(generated_in, 1), "urls": urls, "queries": count_queries(env, urls)}
            for mode, cached in (("cached", True), ("uncached", False)):
                port = free_port()
                with Server(environment(workdir, page_cache=cached), port):
                    entry[mode] = {
                        name: wrk(
                            port,
                            path,
                            seconds=seconds,
                            connections=connections,
                            cookie=f"sessionid={SESSION}" if name in STAFF_PAGES else "",
                        )
                        for name, path in urls.items()
                    }
                print(
                    f"{size:>7} {mode:<8} " + "  ".join(f"{n}={r['rps']:.0f}/s" for n, r in entry[mode].items()),
                    flush=True,
                )
            results["sizes"][str(size)] = entry
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def table(results: dict) -> str:
    lines = [
        f"Reader pages, {results['started']} (gunicorn 2 sync workers, wrk on loopback, SQLite)",
        "",
        "| stories | page | cache | requests/s | × hello | p50 ms | p99 ms | queries | errors |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, entry in results["sizes"].items():
        for mode in ("cached", "uncached"):
            hello = entry[mode]["hello"]["rps"]
            for name, row in entry[mode].items():
                queries = entry["queries"].get(name, 0) if mode == "uncached" else "—"
                lines.append(
                    f"| {int(size):,} | {name} | {mode} | {row['rps']:.0f} | {row['rps'] / hello:.2f} | "
                    f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {queries} | {row['non_2xx']} |"
                )
    sizes = list(results["sizes"])
    if len(sizes) >= 2:
        small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        lines += ["", f"p50 at {int(sizes[-1]):,} stories ÷ p50 at {int(sizes[0]):,} (uncached):", ""]
        for name in ("home", "story", "tag", "search", "admin"):
            ratio = large["uncached"][name]["p50_ms"] / max(small["uncached"][name]["p50_ms"], 0.001)
            lines.append(f"- {name}: {ratio:.2f}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package: wrk).")
    if not (BIN / "gunicorn").exists():
        sys.exit("gunicorn is not installed in this environment (make install).")
    results = run([int(size) for size in args.sizes.split(",")], args.seconds, args.connections)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"pages-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (out / f"pages-{stamp}.md").write_text(table(results))
    print(table(results))


if __name__ == "__main__":
    main()
