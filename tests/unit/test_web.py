"""The download headers every /exports/ route sends (server/web.py)."""

from __future__ import annotations

from urllib.parse import unquote

from server import web


def _names(header: str) -> tuple[str, str]:
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    real = unquote(header.split("filename*=UTF-8''", 1)[1])
    return ascii_part, real


def test_a_danish_name_is_sent_in_words_with_an_ascii_fallback() -> None:
    header = web.content_disposition("Høringsnotat – Sundhedsstrategi – Udgave 2", "docx")
    assert header.startswith("attachment; ")
    assert _names(header) == (
        "Hoeringsnotat - Sundhedsstrategi - Udgave 2.docx",
        "Høringsnotat – Sundhedsstrategi – Udgave 2.docx",
    )
    assert header.isascii()


def test_html_opens_in_the_browser_and_the_rest_is_saved() -> None:
    assert web.content_disposition("Udgave 1", "html").startswith("inline; ")
    assert all(
        web.content_disposition("Udgave 1", ext).startswith("attachment; ") for ext in ("md", "docx", "pdf", "csv")
    )


def test_a_title_cannot_break_the_header_or_name_a_path() -> None:
    ascii_name, real = _names(web.content_disposition('a/b\\c"; filename="evil.exe\r\nX-Injected: 1', "md"))
    for name in (ascii_name, real):
        assert not any(c in name for c in '/\\"\r\n;') and name.endswith(".md")
    assert web.content_disposition("", "md").endswith(".md") and 'filename=".md"' not in web.content_disposition(
        "", "md"
    )


def test_a_very_long_title_is_cut_but_keeps_its_extension() -> None:
    ascii_name, real = _names(web.content_disposition("Å" * 500, "pdf"))
    assert real.endswith(".pdf") and len(real) <= 130 and ascii_name.endswith(".pdf")


def test_a_name_without_latin_letters_still_has_an_ascii_fallback() -> None:
    ascii_name, real = _names(web.content_disposition("文件", "md"))
    assert ascii_name == "udkast.md" and real == "文件.md"
