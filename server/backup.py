"""Backup and restore: a portable archive of every collection (``python -m server backup|restore FILE``).

The archive is a gzip'd tar that any MongoDB-wire store can be restored from:

* ``manifest.json`` — the format name and version, when and from which database it was made, and
  per collection its file, document count and SHA-256;
* ``collections/<name>.jsonl`` — one document per line in canonical extended JSON
  (``bson.json_util``), so every BSON type (ObjectId, dates, int32 vs int64) comes back exactly.

Indexes are not archived: they are declared in code and ``ensure_indexes`` recreates them. A
restore reads and checks the whole archive before it writes anything, and only writes into a
database that holds no documents, so a bad archive or a wrong target never mixes data.

Without transactions a backup of a running app is not one point in time. Collections that refer
to others are copied before what they refer to (a head before its versions, events before the
sequence counter), so a restored store never shows a head without its version or a counter below
an event; a head may lag, which ``check --repair`` rolls forward. A restore is an exact copy.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from bson import json_util
from bson.errors import BSONError

from server import db as dbmod
from server.store import ensure_indexes

FORMAT = "udkast-backup"
VERSION = 1
MANIFEST = "manifest.json"
_JSON = json_util.CANONICAL_JSON_OPTIONS
_BATCH = 500
# Referring collections first, what they refer to later (see the module docstring); the rest by name.
_FIRST = ("events", "counters", "comments", "snapshots", "sections", "section_versions", "documents")


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class CollectionEntry:
    name: str
    file: str
    count: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    version: int
    created_at: str
    database: str
    collections: tuple[CollectionEntry, ...]

    @property
    def documents(self) -> int:
        return sum(c.count for c in self.collections)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "created_at": self.created_at,
            "database": self.database,
            "collections": {c.name: {"file": c.file, "count": c.count, "sha256": c.sha256} for c in self.collections},
        }


def _dump_order(names: list[str]) -> list[str]:
    first = [n for n in _FIRST if n in names]
    return first + sorted(n for n in names if n not in first)


async def backup(db: dbmod.Database, path: Path, *, now: datetime) -> Manifest:
    """Write every collection of ``db`` to a new archive at ``path`` (replaced only when complete)."""
    names = [n for n in await db.list_collection_names() if not n.startswith("system.")]
    entries: list[CollectionEntry] = []
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="udkast-backup-") as work:
        for name in _dump_order(names):
            file = Path(work) / f"{name}.jsonl"
            digest, count = hashlib.sha256(), 0
            with file.open("wb") as out:
                async for doc in db[name].find({}).sort("_id", 1):
                    line = (json_util.dumps(doc, json_options=_JSON) + "\n").encode()
                    digest.update(line)
                    out.write(line)
                    count += 1
            entries.append(CollectionEntry(name, f"collections/{name}.jsonl", count, digest.hexdigest()))
        manifest = Manifest(VERSION, now.isoformat(), db.name, tuple(entries))
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest.as_json(), indent=2).encode())
            for entry in entries:
                archive.add(Path(work) / f"{entry.name}.jsonl", arcname=entry.file)
        os.replace(partial, path)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def _manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError("not an Udkast backup (manifest.json names another format)")
        if data.get("version") != VERSION:
            raise BackupError(f"backup format version {data.get('version')!r} is not supported (expected {VERSION})")
        collections = tuple(
            CollectionEntry(name, str(c["file"]), int(c["count"]), str(c["sha256"]))
            for name, c in data["collections"].items()
        )
        return Manifest(VERSION, str(data["created_at"]), str(data["database"]), collections)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"manifest.json is unreadable ({error})") from None


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{path}: not a readable backup archive ({error})") from None


def _member(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    try:
        member = archive.getmember(name)
        stream = archive.extractfile(member) if member.isfile() else None
    except KeyError:
        stream = None
    if stream is None:
        raise BackupError(f"the archive has no {name}")
    return stream


def _documents(stream: IO[bytes], entry: CollectionEntry) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        try:
            yield json_util.loads(line, json_options=_JSON)
        except (ValueError, BSONError) as error:
            raise BackupError(f"{entry.file}, line {number}: not extended JSON ({error})") from None


def verify(path: Path) -> Manifest:
    """Read the whole archive and check every file's count and SHA-256; raise ``BackupError`` if any differs."""
    try:
        with _open(path) as archive:
            manifest = _manifest(_member(archive, MANIFEST).read())
            for entry in manifest.collections:
                digest, count, unreadable = hashlib.sha256(), 0, None
                for line in _member(archive, entry.file):
                    digest.update(line)
                    count += 1
                    try:
                        json_util.loads(line, json_options=_JSON)
                    except (ValueError, BSONError) as error:
                        unreadable = unreadable or f"line {count}: {error}"
                # The checksum speaks first: a damaged file is corrupted, whatever its lines look like.
                if digest.hexdigest() != entry.sha256:
                    raise BackupError(f"{entry.file}: checksum mismatch — the archive is corrupted; nothing restored")
                if unreadable:
                    raise BackupError(f"{entry.file}: not extended JSON ({unreadable}); nothing restored")
                if count != entry.count:
                    raise BackupError(f"{entry.file}: {count} documents, the manifest says {entry.count}")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{path}: the archive is damaged ({error}); nothing restored") from None
    return manifest


async def nonempty_collections(db: dbmod.Database) -> list[str]:
    names = [n for n in await db.list_collection_names() if not n.startswith("system.")]
    return sorted([n for n in names if await db[n].count_documents({}, limit=1)])


async def restore(db: dbmod.Database, path: Path) -> Manifest:
    """Restore a verified archive into an empty database and recreate the indexes."""
    manifest = verify(path)
    occupied = await nonempty_collections(db)
    if occupied:
        raise BackupError(
            f"the database {db.name!r} is not empty ({', '.join(occupied)} hold documents); "
            "restore only into an empty database"
        )
    await ensure_indexes(db)
    with _open(path) as archive:
        for entry in manifest.collections:
            batch: list[dict[str, Any]] = []
            for doc in _documents(_member(archive, entry.file), entry):
                batch.append(doc)
                if len(batch) >= _BATCH:
                    await db[entry.name].insert_many(batch, ordered=True)
                    batch = []
            if batch:
                await db[entry.name].insert_many(batch, ordered=True)
            elif entry.count == 0 and entry.name not in await db.list_collection_names():
                await db.create_collection(entry.name)
    return manifest
