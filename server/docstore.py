"""Building and starting the embedded store (tools/docstore: FerretDB on SQLite, patched).

The Go program is built with the machine's Go toolchain from the Go module proxy the first
time it is needed, and rebuilt only when its sources or the patch change. ``start`` runs it as
a child process that listens on loopback and dies with its parent.

The store is FerretDB with a small patch (tools/docstore/patch, see its NOTICE): filters
pushed down to SQLite's indexes and atomic updates. Go does not let ``-overlay`` replace files
in the module cache, so the build copies FerretDB's module source into ``bin/`` once, points
the build at the copy with a generated go.mod (``replace``) and lays the patched files over it
with ``-overlay``; the copy itself stays as published. ``stock=True`` builds FerretDB as
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
BUILD = SOURCE / "bin"
BINARY = BUILD / "docstore"
STOCK_BINARY = BUILD / "docstore-stock"
READY = "docstore ready "
FERRETDB = "github.com/FerretDB/FerretDB"
PATCHED_VERSION = "v1.24.0"


class DocstoreError(Exception):
    pass


def ensure_built(*, stock: bool = False) -> Path:
    binary = STOCK_BINARY if stock else BINARY
    sources = [SOURCE / "main.go", SOURCE / "go.mod", SOURCE / "go.sum"]
    if not stock:
        sources += [path for path in PATCH.rglob("*") if path.is_file()]
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
    """The go build flags that build FerretDB with the patch in tools/docstore/patch."""
    result = subprocess.run(
        [go, "mod", "download", "-json", FERRETDB], cwd=SOURCE, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DocstoreError(f"Downloading FerretDB failed:\n{result.stderr[-4000:]}")
    module = json.loads(result.stdout)
    if module["Version"] != PATCHED_VERSION:
        raise DocstoreError(
            f"tools/docstore/patch is written for FerretDB {PATCHED_VERSION}, go.mod asks for {module['Version']}."
        )
    BUILD.mkdir(exist_ok=True)
    copy = BUILD / f"ferretdb-{PATCHED_VERSION}"
    if not copy.exists():
        partial = BUILD / "ferretdb.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(module["Dir"], partial)
        for path in [partial, *partial.rglob("*")]:  # the module cache's files are read-only
            path.chmod(0o755 if path.is_dir() else 0o644)
        partial.rename(copy)
    go_mod = BUILD / "go.mod"
    go_mod.write_text((SOURCE / "go.mod").read_text() + f"\nreplace {FERRETDB} => {copy}\n")
    shutil.copyfile(SOURCE / "go.sum", BUILD / "go.sum")
    replace = {str(copy / path.relative_to(PATCH)): str(path) for path in sorted(PATCH.rglob("*.go")) if path.is_file()}
    overlay = BUILD / "overlay.json"
    overlay.write_text(json.dumps({"Replace": replace}, indent=1))
    return ["-modfile", str(go_mod), "-overlay", str(overlay)]


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
