"""The one renderer refuses raw HTML and unsafe links (DESIGN.md §4.5)."""

from __future__ import annotations

import pytest

from server.markdown import passage_as_read, plain_text, render

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


# Passages as they read (quotes on comment cards, in the høringsnotat and in exports).

PASSAGES = (
    "Samtidig skal forskere\nhave lettere adgang til data.\n\n"
    "3. Et trin\n   over to linjer\n4. Næste trin\n\n"
    "- et punkt\n\n"
    "1. Løs\n\n2. liste\n\n"
    "> Citat over\n> to linjer\n\n"
    "Hårdt  \nbrud og `kode\nspænd`"
)


def _as_read(passage: str) -> str:
    text = plain_text(PASSAGES)
    start = text.index(passage)
    return passage_as_read(PASSAGES, start, start + len(passage))


def test_a_soft_line_break_reads_as_a_space() -> None:
    assert "forskere\nhave" in plain_text(PASSAGES)  # what the anchor quotes
    assert _as_read("forskere\nhave lettere") == "forskere have lettere"
    assert _as_read("Citat over\nto linjer") == "Citat over to linjer"


def test_a_hard_line_break_and_block_ends_stay() -> None:
    assert _as_read("Hårdt\nbrud") == "Hårdt\nbrud"
    assert _as_read("data.\nEt trin") == "data.\n3. Et trin"


def test_numbered_items_keep_their_numbers_where_they_start_in_the_passage() -> None:
    assert _as_read("Et trin\nover to linjer\nNæste trin") == "3. Et trin over to linjer\n4. Næste trin"
    assert _as_read("trin\nover") == "trin over"  # starts inside the item: no number
    assert _as_read("Løs\nliste") == "1. Løs\n2. liste"  # a loose list too
    assert _as_read("et punkt") == "et punkt"  # bullets are not numbered


def test_the_whole_text_and_empty_or_outside_ranges() -> None:
    whole = plain_text(PASSAGES)
    assert passage_as_read(PASSAGES, 0, len(whole)) == (
        "Samtidig skal forskere have lettere adgang til data.\n3. Et trin over to linjer\n4. Næste trin\n"
        "et punkt\n1. Løs\n2. liste\nCitat over to linjer\nHårdt\nbrud og kode spænd"
    )
    assert passage_as_read(PASSAGES, 5, 5) == ""
    assert passage_as_read(PASSAGES, len(whole) - 3, len(whole) + 10) == "ænd"
