"""The demo's front page and live coverage page under load, against the site's hello-world.

    .venv/bin/python bench/fronts.py [--seconds 6] [--connections 32]

A throwaway SQLite database gets ``load_demo`` (a curated front, a «عاجل» line and a live story
with its updates); gunicorn (2 sync workers, production settings, page cache on, loopback) serves
it while wrk measures the site's hello-world view (30 KB behind all of the site's middleware), the
home page, the live page and the live page's script answer, hello-world again after each page.
Each page is divided by the mean of the hello-world measured just before and after it. Results go
to bench/results/fronts-<date>-<time>.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import ROOT, Server, environment, free_port, manage, wrk  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="sahifa-fronts-") as folder:
        workdir = Path(folder)
        env = environment(workdir, page_cache=True)
        env["DJANGO_SERVE_MEDIA"] = "1"
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_demo", "--no-accounts")
        port = free_port()
        with Server(env, port):
            base = f"http://127.0.0.1:{port}"
            home = urllib.request.urlopen(base + "/", timeout=30).read().decode()  # noqa: S310 - loopback
            live = re.search(r'href="(/live/[^"]+/)"', home).group(1)
            page = urllib.request.urlopen(base + live, timeout=30).read().decode()  # noqa: S310 - loopback
            since = re.search(r'data-since="([^"]+)"', page).group(1)
            pages = {"home": "/", "live": live, "live script answer": since}
            hello = [wrk(port, "/bench/hello/", seconds=args.seconds, connections=args.connections)]
            for name, path in pages.items():
                result = wrk(port, path, seconds=args.seconds, connections=args.connections)
                hello.append(wrk(port, "/bench/hello/", seconds=args.seconds, connections=args.connections))
                yardstick = (hello[-2]["rps"] + hello[-1]["rps"]) / 2
                rows.append((name, result, result["rps"] / yardstick))
    stamp = time.strftime("%Y-%m-%d-%H%M%S")
    lines = [
        f"# Fronts and live coverage, {stamp} (demo data, gunicorn 2 sync workers, page cache on, wrk on loopback)",
        "",
        "| page | requests/s | × hello-world | p50 ms | p99 ms | non-2xx |",
        "|---|---|---|---|---|---|",
        *(
            f"| {name} | {r['rps']:.0f} | {ratio:.2f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['non_2xx']} |"
            for name, r, ratio in rows
        ),
        "",
        "hello-world requests/s, in order: " + ", ".join(f"{h['rps']:.0f}" for h in hello),
        "",
        "Target: home ≥ 0.5× hello-world (cached).",
        "",
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"fronts-{stamp}.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
