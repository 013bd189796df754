"""Load through `make serve`: home, story, tag and search pages, 64 connections, 60 s, loopback only.

    .venv/bin/python bench/load.py [--seconds 60] [--connections 64] [--stories 1000] [--no-editor]

A fresh SQLite database in a temporary folder gets the demo newsroom plus generated stories;
`make serve` (gunicorn with gunicorn.conf.py, production settings behind a TLS-terminating
proxy) serves it on a free loopback port, and wrk sends the four pages in turn with the
proxy's ``X-Forwarded-Proto: https``. The run is then repeated while an editor process
(bench/editor.py) saves and publishes stories through the services, against the same
database. Reported: requests/s, p50/p90/p99 latency, errors (socket errors plus non-2xx/3xx
answers) and the editor's saves. Results go to bench/results/load-<time>.md.

Bounded: two runs of --seconds each plus about a minute of setup. Nothing leaves 127.0.0.1.
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
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, port: int, **extra: str) -> dict[str, str]:
    """Production settings, with every file of the run inside ``workdir``."""
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(workdir / "access.log"),
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    for name in ("REDIS_URL", "DJANGO_DEBUG"):
        env.pop(name, None)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare(env: dict[str, str], stories: int) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    if stories:
        manage(env, "generate_articles", f"--count={stories}", "--days=60")


def pick_urls(env: dict[str, str]) -> dict[str, str]:
    script = (
        "import django,json;django.setup();"
        "from articles.models import Article;"
        "a=Article.objects.published().exclude(tags=None).order_by('-published_at').first();"
        "t=a.tags.order_by('pk').first();"
        "print(json.dumps({'story':a.get_absolute_url(),'tag':t.get_absolute_url(),'word':a.headline.split()[0]}))"
    )
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "home": "/",
        "story": data["story"],
        "tag": data["tag"],
        "search": "/search/?q=" + urllib.parse.quote(data["word"]),
    }


def fetch(url: str, *, timeout: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=PROXY_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Serve:
    """`make serve` in its own process group, stopped with SIGTERM like a service manager would."""

    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.env, self.port, self.log = env, port, log

    def __enter__(self):
        self.log_handle = self.log.open("ab")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("make serve exited:\n" + self.log.read_text()[-3000:])
            try:
                if fetch(f"http://127.0.0.1:{self.port}/healthz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("make serve did not answer within 120 s:\n" + self.log.read_text()[-3000:])

    def master_pid(self) -> int:
        """gunicorn's master: make's child (the recipe's shell exec'd into it)."""
        return _children(self.process.pid)[0]

    def worker_pids(self) -> list[int]:
        return _children(self.master_pid())

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log_handle.close()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["X-Forwarded-Proto"] = "https"})
end
"""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(port: int, paths: list[str], *, seconds: int, connections: int, workdir: Path) -> dict:
    """Round-robin over ``paths``; bounded by ``seconds``."""
    script = workdir / "mixed.lua"
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in paths)})
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    out = result.stdout
    percentiles = {label: _ms(value) for label, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": percentiles["50"],
        "p90_ms": percentiles["90"],
        "p99_ms": percentiles["99"],
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in socket.groups()) if socket else 0,
        "raw": out,
    }


def errors(result: dict) -> int:
    return result["non_2xx"] + result["socket_errors"]


def run(args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-load-"))
    port = free_port()
    env = environment(workdir, port)
    results = {"started": datetime.now().isoformat(timespec="seconds"), "seconds": args.seconds}
    try:
        prepare(env, args.stories)
        urls = pick_urls(env)
        results["urls"] = urls
        with Serve(env, port, workdir / "serve.log") as server:
            results["workers"] = len(server.worker_pids())
            for name, path in urls.items():
                status, _body = fetch(f"http://127.0.0.1:{port}{path}")
                if status != 200:
                    raise RuntimeError(f"{name} {path} answered {status}")
            paths = list(urls.values())
            if args.per_page:
                results["pages"] = {}
                for name, path in urls.items():
                    results["pages"][name] = wrk(
                        port, [path], seconds=args.per_page, connections=args.connections, workdir=workdir
                    )
                    print(line(name, results["pages"][name]), flush=True)
            results["readers"] = wrk(port, paths, seconds=args.seconds, connections=args.connections, workdir=workdir)
            print(line("readers only", results["readers"]), flush=True)
            if args.editor:
                editor = subprocess.Popen(
                    [PYTHON, str(ROOT / "bench" / "editor.py"), f"--seconds={args.seconds}"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                results["with_editor"] = wrk(
                    port, paths, seconds=args.seconds, connections=args.connections, workdir=workdir
                )
                out, err = editor.communicate(timeout=args.seconds + 60)
                if editor.returncode != 0:
                    raise RuntimeError("the editor failed:\n" + err[-3000:])
                results["editor"] = json.loads(out.strip().splitlines()[-1])
                print(line("while an editor publishes", results["with_editor"]), flush=True)
                print(f"editor: {json.dumps(results['editor'])}", flush=True)
        return results
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def line(label: str, result: dict) -> str:
    return (
        f"{label}: {result['rps']:.0f} requests/s, {result['requests']} requests, p50 {result['p50_ms']:.1f} ms, "
        f"p90 {result['p90_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, errors {errors(result)}"
    )


def report(results: dict, connections: int) -> str:
    lines = [
        f"Load through `make serve`, {results['started']}: gunicorn {results['workers']} workers (gthread), "
        f"SQLite, page cache on, wrk {connections} connections × {results['seconds']} s, home/story/tag/search in turn",
        "",
        "| run | requests/s | requests | p50 ms | p90 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in (("readers", "readers only"), ("with_editor", "while an editor saves and publishes")):
        if key in results:
            row = results[key]
            lines.append(
                f"| {label} | {row['rps']:.0f} | {row['requests']} | {row['p50_ms']:.1f} | {row['p90_ms']:.1f} | "
                f"{row['p99_ms']:.1f} | {errors(row)} |"
            )
    for name, row in results.get("pages", {}).items():
        lines.append(
            f"| {name} alone | {row['rps']:.0f} | {row['requests']} | {row['p50_ms']:.1f} | {row['p90_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {errors(row)} |"
        )
    if "editor" in results:
        editor = results["editor"]
        lines += [
            "",
            f"Editor: {editor['saves']} saves and {editor['publishes']} new stories published, "
            f"{editor['errors']} errors; save p50 {editor['p50_ms']:.0f} ms, slowest {editor['max_ms']:.0f} ms.",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--stories", type=int, default=1000, help="Generated stories besides the demo's.")
    parser.add_argument("--no-editor", dest="editor", action="store_false", help="Skip the run with an editor.")
    parser.add_argument("--per-page", type=int, default=0, metavar="SECONDS", help="Also load each page alone.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (database, logs).")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package: wrk).")
    results = run(args)
    text = report(results, args.connections)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for row in (results.get("readers", {}), results.get("with_editor", {}), *results.get("pages", {}).values()):
        row.pop("raw", None)
    (out / f"load-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (out / f"load-{stamp}.md").write_text(text)
    print(text)
    failed = errors(results["readers"]) + (errors(results["with_editor"]) if "with_editor" in results else 0)
    failed += results.get("editor", {}).get("errors", 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
