"""The table of real-world photo files and what the photo desk gave for each.

    .venv/bin/python bench/photo_files.py [OUTPUT]

Runs tests/test_photo_realworld.py (each file made there as its producer writes it, sent
through ``image_create``) and writes what each gave to OUTPUT, by default
bench/results/photo-files.md. The table is written only from a run in which every case
passed its assertions, so it never quotes a result the tests do not hold.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "results" / "photo-files.md"
    env = {
        **os.environ,
        "PHOTO_FILES_REPORT": str(target.resolve()),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only"),
        "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost"),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_photo_realworld.py"]
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    if result.returncode == 0:
        print(f"written {target}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
