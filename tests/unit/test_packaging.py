"""The installable package carries the files the server reads beside its modules.

``messages.toml``, ``glossary.json`` and the list of common passwords are read with
``Path(__file__).with_name(...)``: an editable install finds them in the source folder, a built wheel
only when ``pyproject.toml`` declares them as package data. (Checked once by building the wheel with
``uv build --wheel``; this test keeps the declaration in step with the files.)
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"


def _data_files() -> list[Path]:
    return [
        path
        for path in SERVER.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]


def test_every_data_file_of_the_server_is_declared_as_package_data() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for path in _data_files():
        package = ".".join(path.parent.relative_to(ROOT).parts)
        if not any(fnmatch(path.name, pattern) for pattern in declared.get(package, [])):
            missing.append(str(path.relative_to(ROOT)))
    assert missing == [], f"not declared in [tool.setuptools.package-data]: {missing}"
    assert _data_files(), "the server reads data files beside its modules"
