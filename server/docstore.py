"""Building and starting the embedded store (tools/docstore: FerretDB on SQLite).

The Go program is built with the machine's Go toolchain from the Go module proxy the first
time it is needed, and rebuilt only when its sources change. ``start`` runs it as a child
process that listens on loopback and dies with its parent.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "docstore"
BINARY = SOURCE / "bin" / "docstore"
READY = "docstore ready "


class DocstoreError(Exception):
    pass


def ensure_built() -> Path:
    sources = [SOURCE / "main.go", SOURCE / "go.mod", SOURCE / "go.sum"]
    newest = max(p.stat().st_mtime for p in sources)
    if BINARY.exists() and BINARY.stat().st_mtime >= newest:
        return BINARY
    go = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if go is None:
        raise DocstoreError("The Go toolchain is needed to build the embedded store (tools/docstore).")
    print("Building the embedded store (first run only, about a minute)…", flush=True)
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod -buildvcs=false"}
    result = subprocess.run(
        [go, "build", "-trimpath", "-o", str(BINARY), "."], cwd=SOURCE, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise DocstoreError(f"Building tools/docstore failed:\n{result.stderr[-4000:]}")
    return BINARY


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


def start(data_dir: Path, port: int = 0, timeout: float = 60) -> Docstore:
    binary = ensure_built()
    data_dir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [str(binary), "-data", str(data_dir), "-port", str(port)],
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
