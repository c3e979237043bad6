"""The Go tests of the packages our FerretDB patch changes, run against the patched files.

tools/docstore/patch/internal/handler/sjson decodes stored documents on a fast path of its own
(fast.go) and leaves what it does not take to FerretDB's decoder: FerretDB's own tests of the
package must still pass, and fast_test.go checks that both decoders return the same documents.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from server import docstore


def test_the_patched_sjson_package_passes_its_tests_and_ours() -> None:
    docstore.ensure_built()  # writes the build's overlay and the copy of FerretDB's source
    copy = docstore.BUILD / f"ferretdb-{docstore.PATCHED_VERSION}"
    go = shutil.which("go") or "/usr/local/go/bin/go"
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod -buildvcs=false"}
    overlay = docstore.BUILD / "overlay.json"
    result = subprocess.run(
        [go, "test", "-count=1", "-overlay", str(overlay), "-v", "./internal/handler/sjson/"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "--- PASS: TestFastUnmarshal " in result.stdout  # ours ran, not only FerretDB's
    assert "--- PASS: TestDocument " in result.stdout
