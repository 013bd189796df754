"""Backups of the whole newsroom in one file, and restoring one into a fresh instance.

A backup is a ``.tar.gz`` holding ``manifest.json``, the database (SQLite copied through
its online backup API, so readers and editors can keep working; PostgreSQL through
``pg_dump --format=custom``) and every stored file: renditions and originals, from the
file system or a bucket alike. Files being written (``*.part-*``) are left out.

Restoring needs an empty database of the same kind: the database is loaded (SQLite
backup API, ``pg_restore``), then migrated forward, then the files are stored under
their own names.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection
from django.utils import timezone

from newsroom.storage import PARTIAL_MARKER

from ..photos.mediafiles import walk

FORMAT_VERSION = 1
MEDIA_STORAGES = ("default", "originals")
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    vendor: str
    files: int
    created_at: str


def postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: from PATH, else Debian's versioned folders (newest first)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / name).exists():
            return str(folder / name)
    raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")


def _postgres_environment() -> dict[str, str]:
    db = connection.settings_dict
    environment = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            environment[variable] = str(db[key])
    environment["PGDATABASE"] = str(db["NAME"])
    return environment


def _dump_database(folder: Path) -> tuple[str, str]:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / SQLITE_NAME
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return "sqlite", SQLITE_NAME
    if connection.vendor == "postgresql":
        target = folder / POSTGRES_NAME
        result = subprocess.run(
            [postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            env=_postgres_environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return "postgresql", POSTGRES_NAME
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")


def create_backup(*, output: Path, include_media: bool = True) -> BackupSummary:
    output.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now()
    path = output / f"sahifa-backup-{created_at:%Y%m%d-%H%M%S}.tar.gz"
    files = 0
    with tempfile.TemporaryDirectory(prefix="sahifa-backup-") as scratch:
        vendor, database_name = _dump_database(Path(scratch))
        partial = path.with_name(path.name + PARTIAL_MARKER + "backup")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(scratch) / database_name, arcname=database_name)
            if include_media:
                for alias in MEDIA_STORAGES:
                    storage = storages[alias]
                    for name in walk(storage):
                        if PARTIAL_MARKER in name:
                            continue
                        with storage.open(name, "rb") as handle:
                            data = handle.read()
                        _add_bytes(archive, f"media/{alias}/{name}", data)
                        files += 1
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": created_at.isoformat(),
                "vendor": vendor,
                "database": database_name,
                "files": files,
            }
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
        # The backup appears under its name only when complete.
        os.replace(partial, path)
    return BackupSummary(path=path, vendor=vendor, files=files, created_at=created_at.isoformat())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _safe_member_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Refusing a backup entry with an unsafe name: {name!r}")
    return str(path)


def _database_is_empty() -> bool:
    from ..models import Article

    try:
        return not Article.objects.using(DEFAULT_DB_ALIAS).exists()
    except DatabaseError:
        # Not migrated yet: nothing there.
        connection.close()
        return True


def restore_backup(*, archive_path: Path, include_media: bool = True, force: bool = False) -> BackupSummary:
    if not archive_path.is_file():
        raise BackupError(f"No backup at {archive_path}.")
    with tarfile.open(archive_path, "r:gz") as archive:
        members = {_safe_member_name(member.name): member for member in archive.getmembers() if member.isfile()}
        if "manifest.json" not in members:
            raise BackupError("This file is not a Sahifa backup (no manifest.json).")
        manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup holds a {manifest['vendor']} database; this instance uses {connection.vendor}."
            )
        if not force and not _database_is_empty():
            raise BackupError("The database already holds stories; restore into a fresh one (or pass --force).")
        with tempfile.TemporaryDirectory(prefix="sahifa-restore-") as scratch:
            dump = Path(scratch) / manifest["database"]
            dump.write_bytes(archive.extractfile(members[manifest["database"]]).read())
            _load_database(dump, manifest["vendor"])
        files = 0
        if include_media:
            for name, member in members.items():
                parts = name.split("/", 2)
                if parts[0] != "media" or len(parts) != 3 or parts[1] not in MEDIA_STORAGES:
                    continue
                storage = storages[parts[1]]
                if not storage.exists(parts[2]):
                    storage.save(parts[2], ContentFile(archive.extractfile(member).read()))
                files += 1
    return BackupSummary(path=archive_path, vendor=manifest["vendor"], files=files, created_at=manifest["created_at"])


def _load_database(dump: Path, vendor: str) -> None:
    connection.ensure_connection()
    if vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    connection.close()
    result = subprocess.run(
        [
            postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env=_postgres_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
