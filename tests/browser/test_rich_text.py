"""The rich-text section editor: formatting, links, lists, Word paste, merging, keyboard only."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from playwright.async_api import Page, expect

from server import markdown
from tests.api.drafting_support import new_document, save
from tests.browser.ui import Ui
from tests.support import KL, REGIONS, SECRETARIAT, Api

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

ROOT = Path(__file__).resolve().parents[2]
WORD_FRAGMENT = Path(__file__).parent / "fixtures" / "word-fragment.html"
SECTION = """query($id: ID!) { node(id: $id) { ... on Section { version body html } } }"""


def seed_section(key: str) -> str:
    """A section body of the seeded case data (seeds/documents)."""
    for path in (ROOT / "seeds" / "documents").glob("*.yaml"):
        for section in yaml.safe_load(path.read_text())["sections"]:
            if section["key"] == key:
                return str(section["body"])
    raise LookupError(key)


def joined(body: str) -> str:
    """``body`` as the editor writes it: each paragraph on one line (soft line breaks read as spaces)."""
    blocks = body.strip().split("\n\n")
    return "\n\n".join(block if block.startswith("- ") else block.replace("\n", " ") for block in blocks)


async def stored(api: Api, section_id: str) -> dict[str, Any]:
    data = await api.execute(SECTION, {"id": section_id})
    return data["node"]  # type: ignore[no-any-return]


async def select_text(page: Page, text: str) -> None:
    """Select ``text`` in the editor, as a double click or a drag would."""
    found = await page.evaluate(
        """(text) => {
          const root = document.querySelector('.rich-text__content');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at < 0) continue;
            root.focus();
            window.getSelection().setBaseAndExtent(node, at, node, at + text.length);
            return true;
          }
          return false;
        }""",
        text,
    )
    assert found, f"{text!r} is not in the editor"
    await expect(page.locator(".rich-text__content")).to_be_focused()


async def test_an_editor_formats_a_seeded_section_and_saves_markdown(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Sammensætning", seed_section("sammensaetning"))])
    section_id = document["sections"][0]
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/sections/{section_id}/edit")
    text = page.get_by_role("textbox", name="Tekst")
    await expect(text.locator("li")).to_have_count(4)
    await expect(page.get_by_role("button", name="Vis kildetekst")).to_have_attribute("aria-pressed", "false")
    await ui.check("rich-text-editor")

    # Make a word bold with the toolbar.
    await select_text(page, "direktørniveau")
    await page.get_by_role("button", name="Fed").click()
    await expect(text.locator("strong", has_text="direktørniveau")).to_be_visible()
    await expect(page.get_by_role("button", name="Fed")).to_have_attribute("aria-pressed", "true")

    # Add a list item after the last one, and make it a link.
    await select_text(page, "Sundhedsdatastyrelsen")
    await page.keyboard.press("End")
    await page.keyboard.press("Enter")
    await page.keyboard.type("Digitaliseringsstyrelsen")
    await expect(text.locator("li")).to_have_count(5)
    await page.keyboard.press("Shift+Home")
    await page.get_by_role("button", name="Link").click()
    address = page.get_by_label("Linkadresse")
    await expect(address).to_be_focused()
    await address.fill("javascript:alert(1)")
    await page.get_by_role("button", name="Indsæt link").click()
    await expect(page.get_by_text("Skriv en adresse, der begynder med https://")).to_be_visible()
    await address.fill("https://digst.dk")
    await page.get_by_role("button", name="Indsæt link").click()
    await expect(text.locator('a[href="https://digst.dk"]')).to_have_text("Digitaliseringsstyrelsen")
    await ui.check("rich-text-editor-link")

    await page.get_by_label("Hvad har du ændret?").fill("Digitaliseringsstyrelsen med")
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.get_by_role("status")).to_contain_text("Gemt som version 2")

    saved = await stored(secretariat, section_id)
    assert saved["version"] == 2
    expected = (
        joined(seed_section("sammensaetning"))
        .replace("på direktørniveau", "på **direktørniveau**")
        .replace(
            "- Sundhedsdatastyrelsen\n", "- Sundhedsdatastyrelsen\n- [Digitaliseringsstyrelsen](https://digst.dk)\n"
        )
    )
    assert saved["body"] == expected
    assert "<strong>direktørniveau</strong>" in saved["html"]
    assert (
        '<li><a href="https://digst.dk" rel="noopener noreferrer nofollow">Digitaliseringsstyrelsen</a></li>'
        in saved["html"]
    )
    # Everything else reads as before: the visible text differs only by the new list item.
    before = markdown.plain_text(seed_section("sammensaetning")).replace("\n", " ")
    after = markdown.plain_text(saved["body"]).replace("\n", " ")
    assert after == before.replace(
        "Sundhedsdatastyrelsen Formandskabet", "Sundhedsdatastyrelsen Digitaliseringsstyrelsen Formandskabet"
    )

    # The source view shows the same Markdown.
    await page.get_by_role("button", name="Vis kildetekst").click()
    assert (await page.get_by_label("Kildetekst").input_value()) == saved["body"]


async def test_text_the_editor_cannot_show_opens_in_the_source_view(new_ui: NewUi, as_user: AsUser) -> None:
    body = "## En overskrift\n\nTekst med `kode`.\n"
    document = await new_document(await as_user(SECRETARIAT), [("Kode", body)])
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/sections/{document['sections'][0]}/edit")
    await expect(page.get_by_text("Teksten indeholder noget, som editoren ikke kan vise")).to_be_visible()
    await expect(page.get_by_label("Kildetekst")).to_have_value(body)
    # Asking for the rich editor again keeps the source view and says why.
    await page.get_by_role("button", name="Vis kildetekst").click()
    await expect(page.get_by_label("Kildetekst")).to_have_value(body)
    await expect(page.locator(".rich-text")).to_have_count(0)


async def test_a_word_fragment_is_pasted_as_markdown(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Indsat", "Indledning.\n")])
    section_id = document["sections"][0]
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/sections/{section_id}/edit")
    await select_text(page, "Indledning.")
    await page.keyboard.press("End")
    await page.keyboard.press("Enter")
    await page.evaluate(
        """(html) => {
          const data = new DataTransfer();
          data.setData('text/html', html);
          data.setData('text/plain', 'Sikker datadeling');
          const target = document.querySelector('.rich-text__content');
          target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        }""",
        WORD_FRAGMENT.read_text(),
    )
    text = page.get_by_role("textbox", name="Tekst")
    await expect(text.locator("li")).to_have_count(4)
    await expect(page.get_by_text("Et billede blev ikke indsat")).to_be_visible()
    await expect(text.locator("img")).to_have_count(0)
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.get_by_role("status")).to_contain_text("Gemt som version 2")
    saved = await stored(secretariat, section_id)
    assert saved["body"] == (
        "Indledning.\n\n"
        "**Sikker datadeling**\n\n"
        "Borgerne skal have **let** og *sikker* adgang til egne data på [sundhed.dk](https://www.sundhed.dk/).\n\n"
        "- Første punkt\n- Andet punkt\n\n"
        "1. Et trin\n2. Næste trin"
    )


async def test_a_colleagues_change_merges_into_the_rich_text(new_ui: NewUi, as_user: AsUser) -> None:
    first = "Borgerne skal have let adgang til egne sundhedsdata."
    second = "Data skal kunne deles sikkert mellem sektorerne."
    document = await new_document(await as_user(SECRETARIAT), [("Data", f"{first}\n\n{second}\n")])
    section_id = document["sections"][0]
    ui = await new_ui(REGIONS)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/sections/{section_id}/edit")
    await ui.following()
    colleague = await as_user(KL)
    saved = await save(colleague, section_id, 1, f"{first}\n\nData skal deles sikkert på tværs af sektorer.\n", "Data")
    assert saved["__typename"] == "SectionSaved"
    await expect(page.locator(".live-note")).to_contain_text("har netop gemt version 2")
    await select_text(page, "let")
    await page.keyboard.type("nem")
    await page.get_by_role("button", name="Gem ny version").click()
    await expect(page.get_by_role("status")).to_contain_text("flettet med en kollegas ændring")
    text = page.get_by_role("textbox", name="Tekst")
    await expect(text.locator("p").nth(0)).to_have_text("Borgerne skal have nem adgang til egne sundhedsdata.")
    await expect(text.locator("p").nth(1)).to_have_text("Data skal deles sikkert på tværs af sektorer.")
    body = (await stored(colleague, section_id))["body"]
    assert (
        body.strip()
        == "Borgerne skal have nem adgang til egne sundhedsdata.\n\nData skal deles sikkert på tværs af sektorer."
    )


async def test_the_editor_is_used_with_the_keyboard_alone(new_ui: NewUi, as_user: AsUser) -> None:
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(secretariat, [("Tastatur", "Start.\n")])
    section_id = document["sections"][0]
    ui = await new_ui(KL)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}/sections/{section_id}/edit")
    await page.get_by_label("Overskrift").focus()
    # From the title, Tab goes through the source switch and the toolbar to the text.
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement?.classList.contains('rich-text__content')"):
            break
    else:
        raise AssertionError("Tab never reached the text")
    await page.keyboard.press("ControlOrMeta+End")
    await page.keyboard.press("Enter")
    await page.keyboard.type("Det er ")
    await page.keyboard.press("ControlOrMeta+b")
    await page.keyboard.type("vigtigt")
    await page.keyboard.press("ControlOrMeta+b")
    await page.keyboard.type(": ")
    # The toolbar is one Tab stop back; the arrow keys go from »Fed« to »Kursiv«.
    await page.keyboard.press("Shift+Tab")
    await expect(page.get_by_role("button", name="Fed")).to_be_focused()
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_role("button", name="Kursiv")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator(".rich-text__content")).to_be_focused()
    await page.keyboard.type("nu")
    await page.keyboard.press("ControlOrMeta+i")
    await page.keyboard.press("Enter")
    await page.keyboard.press("ControlOrMeta+Shift+8")
    await page.keyboard.type("første")
    await page.keyboard.press("Enter")
    await page.keyboard.type("anden")
    await page.keyboard.press("Enter")
    await page.keyboard.press("ControlOrMeta+]")
    await page.keyboard.type("under anden")
    await page.keyboard.press("Enter")
    await page.keyboard.press("ControlOrMeta+[")
    await page.keyboard.type("se ")
    await page.keyboard.press("ControlOrMeta+k")
    await expect(page.get_by_label("Linkadresse")).to_be_focused()
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type("https://sundhed.dk")
    await page.keyboard.press("Enter")
    await expect(page.locator(".rich-text__content")).to_be_focused()
    # Tab leaves the text (no trap), on to the summary and the save button.
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Hvad har du ændret?")).to_be_focused()
    await page.keyboard.type("Med tastaturet")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Gem ny version")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status")).to_contain_text("Gemt som version 2")
    saved = await stored(secretariat, section_id)
    assert saved["body"] == (
        "Start.\n\nDet er **vigtigt**: *nu*\n\n- første\n- anden\n  - under anden\n- se [https://sundhed.dk](https://sundhed.dk)"
    )
    await ui.check("rich-text-keyboard")
    assert re.search(r"<li>se <a href=\"https://sundhed.dk\"", saved["html"])
