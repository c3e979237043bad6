"""The one renderer refuses raw HTML and unsafe links (DESIGN.md §4.5)."""

from __future__ import annotations

import pytest

from server.markdown import plain_text, render

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](jav&#x61;script:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](file:///etc/passwd)",
    "![billede](javascript:alert(1))",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1))',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[a](<javascript:alert(1)>)",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("source", XSS)
def test_xss_corpus_never_renders_active_content(source: str) -> None:
    html = render(source).lower()
    assert "<script" not in html
    assert "<img src=x" not in html and "<svg" not in html and "<iframe" not in html and "<div" not in html
    assert 'href="javascript' not in html and 'href="vbscript' not in html and 'href="data' not in html
    assert 'href="file' not in html and 'src="javascript' not in html
    assert " onerror=" not in html.replace("&quot;", '"').split("<p>")[0]
    assert 'onmouseover="alert' not in html


def test_safe_markdown_renders() -> None:
    html = render(
        "# Vision\n\n*Borgeren* er **aktiv**.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n[KL](https://kl.dk)"
    )
    assert "<h1>Vision</h1>" in html
    assert "<em>Borgeren</em>" in html and "<strong>aktiv</strong>" in html
    assert "<ul>" in html and "<table>" in html
    assert '<a href="https://kl.dk" rel="noopener noreferrer nofollow">KL</a>' in html


def test_headings_get_no_ids_from_user_text() -> None:
    assert "id=" not in render("# Overskrift med id\n\n## En til")


def test_plain_text_is_what_a_reader_sees() -> None:
    assert (
        plain_text("# Hej\n\n*Borgeren* er **aktiv** &amp; glad.\n\n- a\n- b") == "Hej\nBorgeren er aktiv & glad.\na\nb"
    )
