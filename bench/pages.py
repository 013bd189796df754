"""Reader-page throughput at two archive sizes, against a bare Django view in the same run.

    .venv/bin/python bench/pages.py [--sizes 1000,100000] [--seconds 8] [--connections 32]
                                    [--runs N] [--quick] [--keep DIR]

The yardstick is a bare Django: one view returning 30 KB of HTML, no middleware and no apps
(bench/bare_settings.py), under gunicorn (2 sync workers) like the site. For each archive size:
a SQLite database in a temporary folder, ``generate_articles``, then gunicorn (2 sync workers,
production settings, loopback only) is started twice — page cache on, then off — and wrk
measures the bare view, the site's own hello-world view (the same 30 KB behind all of the
site's middleware), home, a section, a story, a tag page (in Arabic and in English), a search
and the admin's story list (as a superuser). The bare view is measured before the first page
and after every page, and each page is divided by the mean of the bare measurements just
before and just after it: a machine whose load changes during the run weighs on both alike.
In-process, with the page cache off, each page's queries are counted and its median time over
40 requests is taken with Django's test client, one process per archive, the requests
alternating between the sizes (wall and CPU time), so that whatever else runs on the machine
weighs on both sizes alike.

The p50 at the largest size is divided by the p50 at the smallest. ``--runs N`` measures
everything N times over the same archives (``make bench`` runs twice), since a loaded machine
moves single numbers. Results go to bench/results/pages-<date>-<time>.md and
.json; each run's table ends with the speed targets, each marked met or NOT MET, and the file
ends with the targets' ratios run by run.

``--quick`` is one archive of 1,000 stories and 4-second measurements: about three minutes a
run.

``--keep DIR`` keeps each generated archive in DIR (outside the repository), named after its size
and a hash of the migrations and of generate_articles: a later run with the same schema reuses it
instead of generating 100,000 stories again (4–5 minutes). With the defaults a run takes about
ten minutes, plus the generation when the archives are not kept.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
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


def pick_urls(env) -> tuple[dict[str, str], str]:
    """The pages to measure (the newest generated story, its section, its first tag, the tag with
    the most stories in English, the first word of its headline) and a superuser's session for
    the admin."""
    script = (
        "import django,json;django.setup();"
        "from articles.models import Article;"
        "a=Article.objects.published().filter(is_generated=True).order_by('-published_at').first();"
        "t=a.tags.order_by('pk').first();"
        "from django.db.models import Count,Q;from articles.models import Tag;"
        "from django.utils import translation;translation.activate('en');"
        "en=Tag.objects.annotate(n=Count('tagged_articles',filter=Q(tagged_articles__published_en_at__isnull=False)))"
        ".order_by('-n','pk').first();"
        # An English tag page exists only for a tag named in English; generated tags are not.
        "Tag.objects.filter(pk=en.pk,name_en__isnull=True).update(name_en=f'Tag {en.pk}');en.refresh_from_db();"
        "te=en.get_absolute_url();translation.deactivate();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "u,_=get_user_model().objects.get_or_create(username='bench-editor',defaults={'is_staff':True,'is_superuser':True});"
        "s=SessionStore();s[SESSION_KEY]=str(u.pk);"
        "s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY]=u.get_session_auth_hash();s.create();"
        "print(json.dumps({'story':a.get_absolute_url(),'section':a.section.get_absolute_url(),"
        "'tag':t.get_absolute_url(),'tag_en':te,'word':a.headline.split()[0],'session':s.session_key}))"
    )
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    urls = {
        "hello": "/bench/hello/",
        "home": "/",
        "section": data["section"],
        "story": data["story"],  # reverse() already percent-encodes
        "tag": data["tag"],
        "tag_en": data["tag_en"],
        "search": "/search/?q=" + urllib.parse.quote(data["word"]),
        "admin": "/admin/articles/article/",
    }
    return urls, data["session"]


STAFF_PAGES = {"admin"}
IN_PROCESS_REQUESTS = 40

# One process per archive, page cache off, answering one page request at a time: what a page
# costs itself, without gunicorn, the network or other requests in the queue. It first
# reports each page's queries, then times the pages it is asked for (wall and CPU ms).
IN_PROCESS = """
import json, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

urls, session = json.loads(sys.argv[1]), sys.argv[2]
clients, queries = {}, {}
for name, url in urls.items():
    clients[name] = client = Client()
    if name == "admin":
        client.cookies["sessionid"] = session
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries[name] = [len(captured), response.content.count(b'class="card__headline"')]
print(json.dumps(queries), flush=True)
for line in sys.stdin:
    name = line.strip()
    started, started_cpu = time.perf_counter(), time.process_time()
    clients[name].get(urls[name])
    print(json.dumps([(time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000]), flush=True)
"""


def measure_in_process(archives: dict[int, tuple[dict, dict, str]]) -> dict[int, dict[str, dict]]:
    """Each page's queries and median time at every size, ``archives`` being size → (env, urls,
    session). Requests alternate between the sizes, one at a time, so whatever else the machine
    is doing weighs on every size alike and the ratios between sizes stay steady."""
    workers = {}
    try:
        for size, (env, urls, session) in archives.items():
            env = {**env, "DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_ALLOWED_HOSTS": "testserver"}
            workers[size] = subprocess.Popen(
                [PYTHON, "-c", IN_PROCESS, json.dumps(urls), session],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        queries = {size: json.loads(worker.stdout.readline()) for size, worker in workers.items()}
        pages = list(next(iter(archives.values()))[1])
        times = {size: {name: [] for name in pages} for size in workers}
        order = list(workers)
        for _ in range(IN_PROCESS_REQUESTS):
            for name in pages:
                for size in order:
                    workers[size].stdin.write(name + "\n")
                    workers[size].stdin.flush()
                    times[size][name].append(json.loads(workers[size].stdout.readline()))
            order.reverse()
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait(timeout=60)
    return {
        size: {
            name: {
                "queries": queries[size][name][0],
                "stories_listed": queries[size][name][1],
                "p50_ms": statistics.median(wall for wall, _cpu in samples),
                "cpu_ms": statistics.median(cpu for _wall, cpu in samples),
            }
            for name, samples in times[size].items()
        }
        for size in workers
    }


def archive_key() -> str:
    """Changes whenever a kept archive could differ from a fresh one: the schema, the generator
    or the packages."""
    digest = hashlib.sha256()
    paths = sorted(ROOT.glob("*/migrations/0*.py"))
    paths += [ROOT / "articles/management/commands/generate_articles.py", ROOT / "requirements.txt"]
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def prepare(size: int, workdir: Path) -> float | None:
    """Migrate and generate ``size`` stories in ``workdir`` unless a complete archive is there.
    Returns the seconds generation took, or None when a kept archive was reused."""
    done = workdir / "complete"
    shutil.rmtree(workdir / "cache", ignore_errors=True)  # no page cached by an earlier run
    shutil.rmtree(workdir / "cache-off", ignore_errors=True)
    if done.exists():
        return None
    for name in ("bench.sqlite3", "bench.sqlite3-wal", "bench.sqlite3-shm", "media", "private"):
        path = workdir / name
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    env = environment(workdir, page_cache=True)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "generate_articles", f"--count={size}")
    elapsed = time.monotonic() - started
    done.write_text(f"{size}\n")
    return elapsed


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


def bare_environment(env: dict[str, str]) -> dict[str, str]:
    return {**env, "DJANGO_SETTINGS_MODULE": "bench.bare_settings"}


BARE_PATH = "/bench/hello/"


def prepare_archives(sizes: list[int], keep: Path | None) -> dict[int, Path]:
    workdirs = {}
    for size in sizes:
        if keep:
            workdirs[size] = keep / f"sahifa-{size}-{archive_key()}"
            workdirs[size].mkdir(parents=True, exist_ok=True)
        else:
            workdirs[size] = Path(tempfile.mkdtemp(prefix=f"sahifa-bench-{size}-"))
    return workdirs


def run(workdirs: dict[int, Path], seconds: int, connections: int) -> dict:
    """One measurement of every page at every size (archives generated on the first run)."""
    results = {"started": datetime.now().isoformat(timespec="seconds"), "sizes": {}, "load": [os.getloadavg()[0]]}
    first = next(iter(workdirs.values()))
    manage(environment(first, page_cache=True), "collectstatic", "--noinput", "-v0")
    archives = {}
    for size, workdir in workdirs.items():
        generated_in = prepare(size, workdir)
        env = environment(workdir, page_cache=True)
        urls, session = pick_urls(env)
        archives[size] = (env, urls, session)
        results["sizes"][str(size)] = {
            "generated_seconds": round(generated_in, 1) if generated_in is not None else None,
            "urls": urls,
        }
    for size, own in measure_in_process(archives).items():
        entry = results["sizes"][str(size)]
        entry["in_process"] = own
        entry["queries"] = {name: row["queries"] for name, row in own.items()}
    bare_port = free_port()
    with Server(bare_environment(environment(first, page_cache=False)), bare_port):
        for size, workdir in workdirs.items():
            entry, (_env, urls, session) = results["sizes"][str(size)], archives[size]
            entry["bare"] = {}
            for mode, cached in (("cached", True), ("uncached", False)):
                port = free_port()
                with Server(environment(workdir, page_cache=cached), port):
                    bare = [wrk(bare_port, BARE_PATH, seconds=seconds, connections=connections)]
                    entry[mode] = {}
                    for name, path in urls.items():
                        cookie = f"sessionid={session}" if name in STAFF_PAGES else ""
                        row = wrk(port, path, seconds=seconds, connections=connections, cookie=cookie)
                        bare.append(wrk(bare_port, BARE_PATH, seconds=seconds, connections=connections))
                        row["bare_rps"] = (bare[-2]["rps"] + bare[-1]["rps"]) / 2
                        entry[mode][name] = row
                entry["bare"][mode] = {"rps": statistics.mean(run["rps"] for run in bare), "runs": bare}
                print(
                    f"{size:>7} {mode:<8} bare={entry['bare'][mode]['rps']:.0f}/s  "
                    + "  ".join(f"{n}={r['rps']:.0f}/s" for n, r in entry[mode].items()),
                    flush=True,
                )
    # Other work on the machine moves every number; the ratios less so, but a reader should know.
    results["load"].append(os.getloadavg()[0])
    return results


RATIO_PAGES = ("home", "section", "story", "tag", "tag_en", "search", "admin")
# The largest archive's p50 may be at most this many times the smallest's (in-process wall time).
RATIO_LIMITS = {"home": 1.3, "section": 1.3, "tag": 1.3, "tag_en": 1.3, "search": 1.3, "admin": 1.5}
# Requests/s against the bare Django view's in the same series: (page, cache) → floor.
BARE_TARGETS = {("story", "cached"): 0.7, ("home", "cached"): 0.5, ("story", "uncached"): 0.1}
STORY_QUERIES = 8


def bare_ratio(entry: dict, name: str, mode: str) -> float:
    """The page's requests/s ÷ the bare view's measured just before and just after it."""
    row = entry[mode][name]
    return row["rps"] / row["bare_rps"]


def table(results: dict) -> str:
    lines = [
        f"Reader pages, {results['started']} (gunicorn 2 sync workers, wrk on loopback, SQLite{_load(results)})",
        "",
        "| stories | page | cache | requests/s | × bare | × hello | p50 ms | p99 ms | queries "
        "| in-process p50 ms (CPU) | errors |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, entry in results["sizes"].items():
        for mode in ("cached", "uncached"):
            bare = entry["bare"][mode]
            lines.append(
                f"| {int(size):,} | bare Django (mean) | {mode} series | {bare['rps']:.0f} | 1.00 | — | "
                f"{statistics.median(run['p50_ms'] for run in bare['runs']):.1f} | "
                f"{statistics.median(run['p99_ms'] for run in bare['runs']):.1f} | — | — | "
                f"{sum(run['non_2xx'] for run in bare['runs'])} |"
            )
            hello = entry[mode]["hello"]["rps"]
            for name, row in entry[mode].items():
                queries, in_process = "—", "—"
                if mode == "uncached":
                    own = entry["in_process"][name]
                    queries, in_process = own["queries"], f"{own['p50_ms']:.1f} ({own['cpu_ms']:.1f})"
                lines.append(
                    f"| {int(size):,} | {name} | {mode} | {row['rps']:.0f} | {bare_ratio(entry, name, mode):.2f} | "
                    f"{row['rps'] / hello:.2f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {queries} | "
                    f"{in_process} | {row['non_2xx']} |"
                )
    lines += [
        "",
        "× bare: the page's requests/s ÷ the mean of the bare view's just before and just after it. "
        "The bare view's, in order:",
        "",
        *(
            f"- {int(size):,} {mode}: " + ", ".join(f"{run['rps']:.0f}" for run in entry["bare"][mode]["runs"])
            for size, entry in results["sizes"].items()
            for mode in ("cached", "uncached")
        ),
    ]
    sizes = list(results["sizes"])
    if len(sizes) >= 2:
        small, large = results["sizes"][sizes[0]], results["sizes"][sizes[-1]]
        lines += [
            "",
            f"p50 at {int(sizes[-1]):,} stories ÷ p50 at {int(sizes[0]):,} "
            "(uncached; wrk, in-process wall, in-process CPU):",
            "",
        ]
        for name in RATIO_PAGES:
            wrk_ratio = large["uncached"][name]["p50_ms"] / max(small["uncached"][name]["p50_ms"], 0.001)
            big, few = large["in_process"][name], small["in_process"][name]
            wall = big["p50_ms"] / max(few["p50_ms"], 0.001)
            cpu = big["cpu_ms"] / max(few["cpu_ms"], 0.001)
            lines.append(f"- {name}: {wrk_ratio:.2f}, {wall:.2f}, {cpu:.2f}{_listed(few, big)}")
    lines += ["", "Targets:", ""]
    for (name, mode), floor in BARE_TARGETS.items():
        ratios = [bare_ratio(entry, name, mode) for entry in results["sizes"].values()]
        shown = ", ".join(f"{ratio:.2f} at {int(size):,}" for size, ratio in zip(results["sizes"], ratios, strict=True))
        lines.append(f"- {name} {mode} ≥ {floor}× bare Django: {shown} — {_verdict(min(ratios) >= floor)}")
    most = max(entry["queries"]["story"] for entry in results["sizes"].values())
    lines.append(f"- story queries ≤ {STORY_QUERIES}: {most} — {_verdict(most <= STORY_QUERIES)}")
    if len(sizes) >= 2:
        for name, limit in RATIO_LIMITS.items():
            wall = large["in_process"][name]["p50_ms"] / max(small["in_process"][name]["p50_ms"], 0.001)
            few, big = small["in_process"][name], large["in_process"][name]
            lines.append(
                f"- {name} p50 ≤ {limit}× (in-process): {wall:.2f} — {_verdict(wall <= limit)}{_listed(few, big)}"
            )
    return "\n".join(lines) + "\n"


def summary(runs: list[dict]) -> str:
    """The targets' ratios run by run: what a reader of the file looks for first."""
    columns = [f"{name} {mode} (≥ {floor})" for (name, mode), floor in BARE_TARGETS.items()]
    lines = [
        "Against a bare Django view (30 KB, no middleware): a page's requests/s ÷ the bare view's measured "
        "just before and just after it.",
        "",
        "| run | stories | bare Django requests/s (mean, cached series) | " + " | ".join(columns) + " |",
        "| ---: | ---: | ---: | " + " | ".join("---:" for _ in columns) + " |",
    ]
    for number, results in enumerate(runs, start=1):
        for size, entry in results["sizes"].items():
            ratios = [bare_ratio(entry, name, mode) for name, mode in BARE_TARGETS]
            lines.append(
                f"| {number} | {int(size):,} | {entry['bare']['cached']['rps']:.0f} | "
                + " | ".join(f"{ratio:.2f}" for ratio in ratios)
                + " |"
            )
    verdicts = []
    for (name, mode), floor in BARE_TARGETS.items():
        worst = min(bare_ratio(entry, name, mode) for results in runs for entry in results["sizes"].values())
        verdicts.append(f"{name} {mode} {worst:.2f} ({_verdict(worst >= floor)})")
    lines += ["", "Lowest of all runs: " + "; ".join(verdicts) + "."]
    return "\n".join(lines) + "\n"


def _load(results: dict) -> str:
    loads = results.get("load")
    if not loads:
        return ""
    return f"; 1-minute load average {' then '.join(f'{load:.1f}' for load in loads)} on {os.cpu_count()} CPUs"


def _verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def _listed(few: dict, big: dict) -> str:
    """A note when the two sizes' pages do not list as many stories, so their times are not alike."""
    if few.get("stories_listed") == big.get("stories_listed"):
        return ""
    few_listed, big_listed = few.get("stories_listed"), big.get("stories_listed")
    return f" (lists {few_listed} stories at the smaller size, {big_listed} at the larger)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--seconds", type=int, help="Each wrk measurement's length (default 8, 4 with --quick).")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--runs", type=int, default=1, help="Measure everything this many times (same archives).")
    parser.add_argument("--quick", action="store_true", help="One archive of 1,000 stories, 4-second measurements.")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="Keep generated archives in DIR (outside the repository) and reuse them while the schema is the same.",
    )
    args = parser.parse_args()
    if args.quick:
        args.sizes = "1000"
    if args.seconds is None:
        args.seconds = 4 if args.quick else 8
    if args.keep and args.keep.resolve().is_relative_to(ROOT):
        sys.exit("--keep needs a folder outside the repository.")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian package: wrk).")
    if not (BIN / "gunicorn").exists():
        sys.exit("gunicorn is not installed in this environment (make install).")
    workdirs = prepare_archives([int(size) for size in args.sizes.split(",")], args.keep)
    try:
        runs = []
        for number in range(1, args.runs + 1):
            print(f"Run {number} of {args.runs}", flush=True)
            runs.append(run(workdirs, args.seconds, args.connections))
    finally:
        if not args.keep:
            for workdir in workdirs.values():
                shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    report = "\n".join([summary(runs), *(f"## Run {n}\n\n{table(r)}" for n, r in enumerate(runs, start=1))])
    (out / f"pages-{stamp}.json").write_text(json.dumps({"runs": runs}, indent=2, ensure_ascii=False))
    (out / f"pages-{stamp}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
