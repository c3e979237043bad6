"""``python -m server backup FILE`` / ``restore FILE``: an exact round trip, and refusals that write nothing."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path

import bson
import pytest

from server import backup
from server.store import Store, all_indexes
from tests.api.drafting_support import new_document, save
from tests.reliability.support import FIGURES
from tests.support import SECRETARIAT, Api, RunningApp


def _cli(args: list[str], uri: str, database: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONGODB_URI": uri, "DATABASE": database, "DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True, timeout=180)


async def _contents(store: Store, database: str) -> dict[str, list[bytes]]:
    """Every document of every collection, as BSON bytes in _id order: equal only if equal in every type."""
    db = store.db.client[database]
    out = {}
    for name in sorted(await db.list_collection_names()):
        docs = [bson.encode(doc) async for doc in db[name].find({}).sort("_id", 1)]
        if docs:
            out[name] = docs
    return out


@pytest.fixture(scope="module")
async def archive(app: RunningApp, mongodb_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Whatever ran before, the store holds every kind of thing: versions, a comment, a snapshot, events.
    api = Api(app.url)
    await api.sign_in(SECRETARIAT)
    document = await new_document(api, [("Sikkerhedskopi", "Første tekst.")])
    await save(api, document["sections"][0], 1, "Anden tekst — æøå 👍.")
    await api.execute(
        "mutation($i: AddCommentInput!) { addComment(input: $i) { __typename } }",
        {"i": {"sectionId": document["sections"][0], "version": 2, "body": "En bemærkning."}},
    )
    await api.execute(
        "mutation($i: CreateSnapshotInput!) { createSnapshot(input: $i) { __typename } }",
        {"i": {"documentId": document["id"]}},
    )
    await api.close()
    path = tmp_path_factory.mktemp("backup") / "udkast.tar.gz"
    made = _cli(["backup", str(path)], mongodb_uri, app.settings.database, path.parent)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Backup written to" in made.stdout
    return path


async def test_round_trip_restores_every_document_exactly(
    app: RunningApp, store: Store, mongodb_uri: str, archive: Path, tmp_path: Path
) -> None:
    target = f"udkast_restored_{secrets.token_hex(4)}"
    restored = _cli(["restore", str(archive)], mongodb_uri, target, tmp_path)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "indexes recreated" in restored.stdout

    source, copy = await _contents(store, app.settings.database), await _contents(store, target)
    assert sorted(copy) == sorted(source)
    for name in source:
        assert copy[name] == source[name], f"{name} differs after the round trip"
    manifest = backup.verify(archive)
    assert {c.name: c.count for c in manifest.collections if c.count} == {n: len(d) for n, d in source.items()}
    assert {"section_versions", "events", "comments", "users", "sessions", "counters"} <= set(source)

    db = store.db.client[target]
    for collection, models in all_indexes().items():
        names = {index["name"] async for index in await db[collection].list_indexes()}
        assert {m.document["name"] for m in models} <= names, collection

    # A second restore into the now non-empty database is refused and changes nothing.
    again = _cli(["restore", str(archive)], mongodb_uri, target, tmp_path)
    assert again.returncode == 2 and "is not empty" in again.stderr
    assert await _contents(store, target) == copy
    await store.db.client.drop_database(target)
    FIGURES["backup: documents restored and compared byte for byte"] += manifest.documents


def test_archive_is_portable_json_lines_with_a_manifest(archive: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert manifest["format"] == "udkast-backup" and manifest["version"] == 1
        entry = manifest["collections"]["section_versions"]
        lines = tar.extractfile(entry["file"]).read().splitlines()  # type: ignore[union-attr]
    assert len(lines) == entry["count"] > 0
    first = json.loads(lines[0])
    assert "$oid" in first["_id"] and "$date" in first["created_at"]  # canonical extended JSON


def _corrupted(archive: Path, out: Path) -> Path:
    """The same archive with one byte changed in one collection file and the manifest left as it was."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("section_versions.jsonl"):
                assert b'"title": "' in data
                data = data.replace(b'"title": "', b'"title": "X', 1)  # still valid JSON, other text
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
    return out


async def test_corrupted_archive_is_refused_and_writes_nothing(
    store: Store, mongodb_uri: str, archive: Path, tmp_path: Path
) -> None:
    target = f"udkast_corrupt_{secrets.token_hex(4)}"
    broken = _corrupted(archive, tmp_path / "broken.tar.gz")
    refused = _cli(["restore", str(broken)], mongodb_uri, target, tmp_path)
    assert refused.returncode == 2
    assert "section_versions.jsonl: checksum mismatch" in refused.stderr and "nothing restored" in refused.stderr
    assert target not in await store.db.client.list_database_names()

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(backup.BackupError, match="damaged|not a readable"):
        backup.verify(truncated)
    (tmp_path / "other.tar.gz").write_bytes(b"not an archive at all")
    with pytest.raises(backup.BackupError, match="not a readable backup archive"):
        backup.verify(tmp_path / "other.tar.gz")
    FIGURES["backup: damaged archives refused"] += 3
