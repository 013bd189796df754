"""Lighthouse on the story page (Arabic and English) and the home page, under production settings.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--min-performance 95]

A fresh SQLite database in a temporary folder gets ``migrate``, ``collectstatic`` and
``load_demo`` (stories with real photos), then gunicorn (gunicorn.conf.py, 2 workers,
DJANGO_DEBUG=0, plain HTTP on loopback, renditions served by the app as ``make serve`` does)
serves it. Lighthouse 12.2.3 (bench/lighthouse/package-lock.json) drives Debian's Chromium
with its defaults: mobile form factor, simulated slow 4G and 4× CPU slowdown. Each page is
measured ``--runs`` times in a fresh browser profile; every score and metric reported is the
median of those runs. Results go to bench/results/lighthouse-<time>.md and .json, with the
full Lighthouse report of each page's median run beside them.

Exits 1 when a story page misses its budget: a median performance score under
``--min-performance``, more than 120 KB transferred before images (HTML, CSS, fonts), or any
script. Bounded: about 3 minutes with the defaults.
"""

from __future__ import annotations

import argparse
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
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "cls": "cumulative-layout-shift",
    "speed_index_ms": "speed-index",
    "transfer_bytes": "total-byte-weight",
}
STORY_PAGES = ("story", "story-en")
# The story page's budget before images (docs/architecture.md, «Weight»): bytes on the wire for
# HTML, CSS, fonts and any script. Images and the browser's own favicon request are left out.
WEIGHT_BUDGET = 120 * 1024
BEFORE_IMAGES = {"Document", "Stylesheet", "Font", "Script"}
ATTEMPTS = 3  # per run, when Lighthouse itself fails


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(workdir: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        # Plain HTTP on loopback: no TLS proxy in front, so no redirect to HTTPS and no HSTS;
        # the app serves the renditions itself, as `make serve` does on one machine.
        "DJANGO_HTTPS": "0",
        "DJANGO_BEHIND_PROXY": "0",
        "DJANGO_SERVE_MEDIA": "1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "PYTHONPATH": str(ROOT),
        "CHROME_PATH": CHROME,
    }
    for name in ("REDIS_URL", "DATABASE_REPLICA_URL", "DJANGO_MEDIA_URL", "DJANGO_MEDIA_STORAGE"):
        env.pop(name, None)
    return env


def manage(env, *args) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return result.stdout


def pick_urls(env) -> dict[str, str]:
    """The newest published story with a lead photo, preferring one translated into English."""
    script = (
        "import django,json;django.setup();"
        "from django.db.models import Q;from django.utils import translation;"
        "from articles.models import Article;"
        "qs=Article.objects.published().filter(lead_image__isnull=False).order_by('-published_at');"
        "a=qs.exclude(Q(headline_en__isnull=True)|Q(headline_en='')).first() or qs.first();"
        "out={'story':a.get_absolute_url()}\n"
        "if a.headline_en:\n"
        "    with translation.override('en'): out['story-en']=a.get_absolute_url()\n"
        "print(json.dumps(out))"
    )
    out = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    story = json.loads(out.stdout.strip().splitlines()[-1])
    return {"story": story["story"], **({"story-en": story["story-en"]} if "story-en" in story else {}), "home": "/"}


class Server:
    def __init__(self, env, port: int, log: Path):
        self.env, self.port, self.log = env, port, log

    def __enter__(self):
        self.output = self.log.open("wb")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "newsroom.wsgi:application"],
            cwd=ROOT,
            env=self.env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start:\n" + self.log.read_text()[-4000:])

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.output.close()


def lighthouse(url: str, report: Path, env) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
            "--quiet",
        ],
        env=env,
        check=True,
        timeout=180,
    )
    return json.loads(report.read_text())


def measure(url: str, report: Path, env) -> dict:
    """One Lighthouse run, tried again when Lighthouse itself fails (e.g. NO_NAVSTART: Chromium's
    trace missed the navigation), which happens now and then on a busy machine."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return summarise(lighthouse(url, report, env))
        except (subprocess.CalledProcessError, RuntimeError) as error:
            if attempt == ATTEMPTS:
                raise
            print(f"Lighthouse failed ({type(error).__name__}); trying again", flush=True)


def failing_audits(lhr: dict, category: str) -> list[dict]:
    """Performance: metrics and opportunities Lighthouse marks as needing work (under 0.9). Other
    categories: the scored audits that failed, each of which takes points off the score."""
    failing = []
    for ref in lhr["categories"][category]["auditRefs"]:
        audit = lhr["audits"][ref["id"]]
        if audit.get("score") is None:
            continue
        if category == "performance":
            counts = audit["score"] < 0.9 and audit["scoreDisplayMode"] in ("numeric", "binary", "metricSavings")
        else:
            counts = audit["score"] < 1 and ref["weight"] > 0
        if counts:
            failing.append({"id": ref["id"], "title": audit["title"], "value": audit.get("displayValue", "")})
    return failing


def summarise(lhr: dict) -> dict:
    if lhr.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not measure {lhr['requestedUrl']}: {lhr['runtimeError']['message']}")
    audits = lhr["audits"]
    requests = audits["network-requests"]["details"]["items"]
    weights = [(r.get("resourceType"), r.get("transferSize", 0)) for r in requests]
    failing = {name: failing_audits(lhr, name) for name in CATEGORIES}
    return {
        "scores": {name: round(lhr["categories"][name]["score"] * 100) for name in CATEGORIES},
        "metrics": {key: audits[audit_id]["numericValue"] for key, audit_id in METRICS.items()},
        "before_images_bytes": sum(size for kind, size in weights if kind in BEFORE_IMAGES),
        "scripts": sum(1 for kind, _size in weights if kind == "Script"),
        "requests": len(requests),
        "failing_audits": failing,
        # Audits Lighthouse could not compute (a gatherer failed); the metrics above are unaffected.
        "errored_audits": sorted(
            audit_id for audit_id, audit in audits.items() if audit["scoreDisplayMode"] == "error"
        ),
        "warnings": lhr.get("runWarnings", []),
    }


def median_of(runs: list[dict]) -> dict:
    median = statistics.median
    return {
        "scores": {name: median([run["scores"][name] for run in runs]) for name in CATEGORIES},
        "metrics": {key: median([run["metrics"][key] for run in runs]) for key in METRICS},
        "before_images_bytes": median([run["before_images_bytes"] for run in runs]),
        "scripts": max(run["scripts"] for run in runs),
    }


def run(runs: int) -> tuple[dict, Path]:
    workdir = Path(tempfile.mkdtemp(prefix="sahifa-lighthouse-"))
    port = free_port()
    env = environment(workdir, port)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "--no-accounts", "-v0")
        urls = pick_urls(env)
        version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True)
        chromium = subprocess.run([CHROME, "--version"], capture_output=True, text=True, check=True)
        results = {
            "started": datetime.now().isoformat(timespec="seconds"),
            "lighthouse": version.stdout.strip(),
            "chromium": chromium.stdout.strip().splitlines()[-1],
            "runs": runs,
            "urls": urls,
            "pages": {},
        }
        with Server(env, port, workdir / "gunicorn.log"):
            for path in urls.values():  # fill the page cache, as for any page a reader has seen
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30).read()
            for name, path in urls.items():
                page = {"url": path, "runs": [], "reports": []}
                for attempt in range(runs):
                    report = workdir / f"{name}-{attempt}.json"
                    page["runs"].append(measure(f"http://127.0.0.1:{port}{path}", report, env))
                    page["reports"].append(report)
                    print(
                        f"{name:<9} run {attempt + 1}: performance {page['runs'][-1]['scores']['performance']}",
                        flush=True,
                    )
                page["median"] = median_of(page["runs"])
                # The run whose performance score is the median keeps its full report and its list
                # of failing audits: that is the one to read when the score drops.
                order = sorted(range(runs), key=lambda i: page["runs"][i]["scores"]["performance"])
                middle = order[len(order) // 2]
                page["median_run"] = middle
                page["median_report"] = page.pop("reports")[middle]
                results["pages"][name] = page
        results["server_errors"] = server_errors(workdir / "gunicorn.log")
        return results, workdir
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def server_errors(log: Path) -> list[str]:
    """Requests gunicorn answered with a 5xx while Lighthouse loaded the pages (favicon included)."""
    return [line for line in log.read_text(errors="replace").splitlines() if re.search(r'" 5\d\d ', line)]


def failures(results: dict, min_performance: int) -> list[str]:
    problems = []
    for name in STORY_PAGES:
        if name not in results["pages"]:
            continue
        median = results["pages"][name]["median"]
        if median["scores"]["performance"] < min_performance:
            problems.append(f"{name}: performance {median['scores']['performance']} < {min_performance}")
        if median["before_images_bytes"] > WEIGHT_BUDGET:
            problems.append(f"{name}: {median['before_images_bytes'] / 1024:.1f} KB before images > 120 KB")
        if median["scripts"]:
            problems.append(f"{name}: {median['scripts']} script(s)")
    return problems


def table(results: dict, problems: list[str]) -> str:
    lines = [
        f"Lighthouse, {results['started']} (Lighthouse {results['lighthouse']}, {results['chromium']},"
        f" mobile defaults, median of {results['runs']} runs, gunicorn 2 workers on loopback, SQLite, demo content)",
        "",
        "| page | performance | accessibility | best practices | SEO | FCP s | LCP s | TBT ms | CLS | "
        "Speed Index s | transfer KB | HTML+CSS+fonts KB | scripts |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, page in results["pages"].items():
        scores, metrics = page["median"]["scores"], page["median"]["metrics"]
        lines.append(
            f"| {name} | {scores['performance']:g} | {scores['accessibility']:g} | {scores['best-practices']:g} | "
            f"{scores['seo']:g} | {metrics['fcp_ms'] / 1000:.2f} | {metrics['lcp_ms'] / 1000:.2f} | "
            f"{metrics['tbt_ms']:.0f} | {metrics['cls']:.3f} | {metrics['speed_index_ms'] / 1000:.2f} | "
            f"{metrics['transfer_bytes'] / 1024:.1f} | {page['median']['before_images_bytes'] / 1024:.1f} | "
            f"{page['median']['scripts']} |"
        )
    lines += ["", "Pages:", ""]
    lines += [f"- {name}: `{page['url']}`" for name, page in results["pages"].items()]
    lines += ["", "What the median run flags (performance: under 0.9; other categories: failed audits):", ""]
    for name, page in results["pages"].items():
        lines.append(f"- {name}:")
        for category, failing in page["runs"][page["median_run"]]["failing_audits"].items():
            listed = "; ".join(f"`{a['id']}` {a['value']}".strip() for a in failing) or "none"
            lines.append(f"  - {category}: {listed}")
    errored = sorted({a for page in results["pages"].values() for run in page["runs"] for a in run["errored_audits"]})
    if errored:
        lines += ["", "Audits Lighthouse could not compute (the scores and metrics do not depend on them): "]
        lines[-1] += ", ".join(f"`{audit_id}`" for audit_id in errored) + "."
    if results["server_errors"]:
        lines += ["", f"Server errors (5xx) during the runs: {len(results['server_errors'])}, for example:", ""]
        lines += [f"    {line}" for line in results["server_errors"][:5]]
    lines += ["", "Story page budget (performance, 120 KB before images, no script): "]
    lines[-1] += "met." if not problems else "missed: " + "; ".join(problems) + "."
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--min-performance", type=int, default=95)
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: make bench-lighthouse installs it from bench/lighthouse/.")
    if not Path(CHROME).exists():
        sys.exit(f"No Chromium at {CHROME} (Debian package: chromium), or set CHROME_PATH.")
    if not (BIN / "gunicorn").exists():
        sys.exit("gunicorn is not installed in this environment (make install).")
    results, workdir = run(args.runs)
    try:
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for name, page in results["pages"].items():
            report = out / f"lighthouse-{stamp}-{name}.report.json"
            shutil.copyfile(page.pop("median_report"), report)
            page["median_report"] = report.name
        problems = failures(results, args.min_performance)
        results["min_performance"] = args.min_performance
        results["problems"] = problems
        (out / f"lighthouse-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (out / f"lighthouse-{stamp}.md").write_text(table(results, problems))
        print(table(results, problems))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
