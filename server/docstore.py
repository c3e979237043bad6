"""Building and starting the embedded store (tools/docstore: FerretDB on SQLite, patched).

The Go program is built with the machine's Go toolchain from the Go module proxy the first
time it is needed, and rebuilt only when its sources or the patch change. ``start`` runs it as
a child process that listens on loopback and dies with its parent.

The store is FerretDB with a small patch (tools/docstore/patch, see its NOTICE): filters
pushed down to SQLite's indexes and atomic updates; tools/docstore/patch-wire holds the one
file of FerretDB's wire protocol module it changes, tools/docstore/patch-sqlite the one file of
the SQLite driver (modernc.org/sqlite: prepared queries kept per connection). Go does not let ``-overlay`` replace files
in the module cache, so the build copies each patched module's source into ``bin/`` once,
points the build at the copies with a generated go.mod (``replace``) and lays the patched files
over them with ``-overlay``; the copies themselves stay as published. ``stock=True`` builds FerretDB as
published, for the differential test.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "docstore"
PATCH = SOURCE / "patch"
WIRE_PATCH = SOURCE / "patch-wire"  # files of FerretDB's wire protocol module (github.com/FerretDB/wire)
SQLITE_PATCH = SOURCE / "patch-sqlite"  # files of the SQLite driver FerretDB uses (modernc.org/sqlite)
BUILD = SOURCE / "bin"
BINARY = BUILD / "docstore"
STOCK_BINARY = BUILD / "docstore-stock"
READY = "docstore ready "
FERRETDB = "github.com/FerretDB/FerretDB"
PATCHED_VERSION = "v1.24.0"
WIRE = "github.com/FerretDB/wire"
WIRE_VERSION = "v0.0.7"
SQLITE = "modernc.org/sqlite"
SQLITE_VERSION = "v1.31.1"


class DocstoreError(Exception):
    pass


def ensure_built(*, stock: bool = False) -> Path:
    binary = STOCK_BINARY if stock else BINARY
    sources = [SOURCE / "main.go", SOURCE / "go.mod", SOURCE / "go.sum"]
    if not stock:
        sources += [path for patch in (PATCH, WIRE_PATCH, SQLITE_PATCH) for path in patch.rglob("*") if path.is_file()]
    newest = max(p.stat().st_mtime for p in sources)
    if binary.exists() and binary.stat().st_mtime >= newest:
        return binary
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if go is None:
        raise DocstoreError("The Go toolchain is needed to build the embedded store (tools/docstore).")
    print("Building the embedded store (first run only, about a minute)…", flush=True)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod -buildvcs=false"}
    flags = [] if stock else _patch_flags(go, env)
    result = subprocess.run(
        [go, "build", "-trimpath", *flags, "-o", str(binary), "."], cwd=SOURCE, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DocstoreError(f"Building tools/docstore failed:\n{result.stderr[-4000:]}")
    return binary


def _patch_flags(go: str, env: dict[str, str]) -> list[str]:
    """The go build flags that build FerretDB with the patch in tools/docstore/patch (and patch-wire, patch-sqlite)."""
    BUILD.mkdir(exist_ok=True)
    copies = {module: _module_copy(go, env, module, version) for module, version in _PATCHED.items()}
    go_mod = BUILD / "go.mod"
    replaces = "".join(f"\nreplace {module} => {copy}\n" for module, copy in copies.items())
    go_mod.write_text((SOURCE / "go.mod").read_text() + replaces)
    shutil.copyfile(SOURCE / "go.sum", BUILD / "go.sum")
    replace = {
        str(copies[module] / path.relative_to(patch)): str(path)
        for module, patch in ((FERRETDB, PATCH), (WIRE, WIRE_PATCH), (SQLITE, SQLITE_PATCH))
        for path in sorted(patch.rglob("*.go"))
        if path.is_file()
    }
    overlay = BUILD / "overlay.json"
    overlay.write_text(json.dumps({"Replace": replace}, indent=1))
    return ["-modfile", str(go_mod), "-overlay", str(overlay)]


_PATCHED = {FERRETDB: PATCHED_VERSION, WIRE: WIRE_VERSION, SQLITE: SQLITE_VERSION}


def _module_copy(go: str, env: dict[str, str], module: str, version: str) -> Path:
    """A writable copy of ``module``'s source at ``version`` (as go.mod asks for it) in bin/, for the overlay."""
    download = [go, "mod", "download", "-json", module]
    result = subprocess.run(download, cwd=SOURCE, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DocstoreError(f"Downloading {module} failed:\n{result.stderr[-4000:]}")
    found = json.loads(result.stdout)
    if found["Version"] != version:
        wanted = found["Version"]
        raise DocstoreError(f"tools/docstore's patch is written for {module} {version}, go.mod asks for {wanted}.")
    name = "ferretdb" if module == FERRETDB else module.rsplit("/", 1)[1]
    copy = BUILD / f"{name}-{version}"
    if not copy.exists():
        partial = BUILD / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(found["Dir"], partial)
        for path in [partial, *partial.rglob("*")]:  # the module cache's files are read-only
            path.chmod(0o755 if path.is_dir() else 0o644)
        partial.rename(copy)
    return copy


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG: the store must not outlive the app or test run that started it.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)


@dataclass
class Docstore:
    process: subprocess.Popen[str]
    uri: str
    data_dir: Path

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close()

    def kill(self) -> None:
        """Stop at once, as a crash would (for fault tests)."""
        self.process.kill()
        self.process.wait()
        self._close()

    def _close(self) -> None:
        if self.process.stdout:
            self.process.stdout.close()


def start(
    data_dir: Path, port: int = 0, timeout: float = 60, *, stock: bool = False, pprof_addr: str | None = None
) -> Docstore:
    """Start the store on ``data_dir``; ``stock=True`` runs FerretDB as published, without our patch;
    ``pprof_addr`` (host:port) serves Go's profiles there (``go tool pprof``), for measuring."""
    binary = ensure_built(stock=stock)
    data_dir.mkdir(parents=True, exist_ok=True)
    profiling = ["-pprof-addr", pprof_addr] if pprof_addr else []
    process = subprocess.Popen(
        [str(binary), "-data", str(data_dir), "-port", str(port), *profiling],
        stdout=subprocess.PIPE,
        stderr=None,
        text=True,
        preexec_fn=_die_with_parent,
    )
    assert process.stdout is not None
    line: list[str] = []

    def read_ready() -> None:
        assert process.stdout is not None
        line.append(process.stdout.readline())

    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    reader.join(timeout)
    if not line or not line[0].startswith(READY):
        process.kill()
        raise DocstoreError(f"The embedded store did not start (exit code {process.poll()}).")
    return Docstore(process=process, uri=line[0][len(READY) :].strip(), data_dir=data_dir)
