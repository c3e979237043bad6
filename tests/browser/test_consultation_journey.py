"""Consultations (høringer) in the browser: what a party reads when commenting is closed, its drafts by section."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

from playwright.async_api import expect

from tests.api import test_consultation_direct as direct
from tests.api.drafting_support import new_document, org_ids
from tests.browser.test_approval import fill_deadline, local, no_sideways_scrolling
from tests.browser.ui import Ui
from tests.support import KL, KL_COMMENTER, PLO_COMMENTER, SDS, SECRETARIAT, Api, RunningApp

NewUi = Callable[..., Awaitable[Ui]]
AsUser = Callable[[str], Awaitable[Api]]

ADD = """mutation($input: AddCommentInput!) { addComment(input: $input) {
  __typename ... on CommentAdded { comment { id submitted } } ... on UserError { message } } }"""
SNAPSHOT = """mutation($input: CreateSnapshotInput!) { createSnapshot(input: $input) {
  __typename ... on SnapshotCreated { snapshot { id number } } ... on UserError { message } } }"""
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONSENT = "Data skal deles på tværs af sektorer, når borgeren giver samtykke."
PHASE = """mutation($input: SetDocumentPhaseInput!) { setDocumentPhase(input: $input) {
  __typename ... on UserError { message } } }"""


async def test_an_archived_document_says_commenting_is_closed_and_keeps_the_drafts_by_section(
    new_ui: NewUi, as_user: AsUser
) -> None:
    """Issue 18: no comment buttons that silently vanish, no »Indsend« that can only fail, and each
    draft under the title of the section it is on."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [("Formål", "Strategien samler indsatsen.\n"), ("Almen praksis", "Den digitale almen praksis.\n")],
        ("kl", "danske-regioner", "plo"),
    )
    plo = await as_user(PLO_COMMENTER)
    for section, body in zip(
        document["sections"], ("Formålet bør nævne patienterne.", "PLO ønsker en tidsplan."), strict=True
    ):
        added = await plo.execute(ADD, {"input": {"sectionId": section, "version": 1, "body": body}})
        assert added["addComment"]["__typename"] == "CommentAdded", added
    archived = await secretariat.execute(PHASE, {"input": {"documentId": document["id"], "phase": "ARCHIVED"}})
    assert archived["setDocumentPhase"]["__typename"] == "DocumentPhaseChanged", archived

    ui = await new_ui(PLO_COMMENTER)
    page = ui.page
    await ui.open(f"/documents/{document['slug']}")
    closed = page.get_by_role("note", name="Kommentering er lukket")
    await expect(closed).to_contain_text("Dokumentet er i fasen »Arkiveret«")
    await expect(page.get_by_role("button", name=re.compile("^Kommentér"))).to_have_count(0)
    await ui.check("reader-commenting-closed")

    await ui.open(f"/documents/{document['slug']}/comments")
    drafts = page.get_by_role("region", name=re.compile("Jeres kladder"))
    await expect(drafts.get_by_role("heading", level=3)).to_have_text(["Afsnit: Formål", "Afsnit: Almen praksis"])
    await expect(drafts.get_by_role("region", name="Afsnit: Almen praksis")).to_contain_text("PLO ønsker en tidsplan.")
    await expect(drafts.get_by_role("button", name=re.compile("Indsend"))).to_have_count(0)
    await expect(drafts).to_contain_text("Kladderne kan ikke indsendes, fordi kommentering er lukket.")
    await ui.check("comments-drafts-closed")


async def test_a_consultation_from_opening_to_published_answers(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    """Issue 18's journey: the secretariat opens a consultation with a Danish deadline and a summary;
    KL drafts (a reply too) with general remarks and a letter, previews and submits; PLO answers »ingen bemærkninger«; the
    steering group answers unseen until the secretariat publishes; the secretariat extends and closes.
    Every new screen axe-clean; at 390 px no sideways scrolling."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [
            ("Formål", f"Strategien samler indsatsen.\n\n{CONSENT}\n"),
            ("Almen praksis", "Den digitale almen praksis.\n"),
        ],
        ("kl", "danske-regioner", "sum"),
    )
    created = await secretariat.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}})
    assert created["createSnapshot"]["__typename"] == "SnapshotCreated", created
    slug = document["slug"]

    # The secretariat: the høringsliste chosen explicitly, a Danish deadline, a summary before opening.
    ui = await new_ui(SECRETARIAT)
    page = ui.page
    await ui.open(f"/documents/{slug}")
    await (
        page.get_by_role("navigation", name="Dokumentets sider").get_by_role("link", name="Høring", exact=True).click()
    )
    await ui.settled()
    form = page.get_by_role("region", name="Send en udgave i høring")
    for party in ("KL – Kommunernes Landsforening", "PLO – Praktiserende Lægers Organisation", "Danske Regioner"):
        await expect(form.get_by_label(party)).not_to_be_checked()
    await form.get_by_role("button", name="Send i høring").click()
    await expect(form.locator("#consultation-letter-error")).to_contain_text("Skriv høringsbrevet")
    await form.get_by_label("Høringsbrev").fill("Styregruppen beder om jeres bemærkninger til **strategien**.")
    for party in ("KL – Kommunernes Landsforening", "Danske Regioner", "PLO – Praktiserende Lægers Organisation"):
        await form.get_by_label(party).check()
    # A deadline in the past is refused by the server, next to the field.
    await fill_deadline(form, local(app, -1))
    await form.get_by_role("button", name="Send i høring").click()
    await expect(form.locator("#consultation-deadline-error")).to_be_visible()
    date, _ = local(app, 10)
    await fill_deadline(form, (date, "12.00"))
    summary = form.get_by_role("region", name="Før du sender i høring")
    await expect(summary).to_contain_text(
        "Udgave 1 – Høringsudkast sendes i høring hos 3 parter: KL, Danske Regioner, PLO."
    )
    await expect(summary).to_contain_text(
        re.compile(r"Høringsfristen er [a-zæøå]+dag den \d+\. [a-zæøå]+ \d{4} kl\. 12\.00 \(dansk tid\)")
    )
    await expect(summary).to_contain_text("Høringen afsluttes ved fristen")
    await ui.check("consultation-open-form")
    await form.get_by_role("button", name="Send i høring").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Høring over Udgave 1 – Høringsudkast")
    consultation_url = page.url.removeprefix(ui.url)
    parties = page.get_by_role("table", name="Høringsliste")
    await expect(parties.get_by_role("row")).to_have_count(4)
    await expect(page.get_by_role("rowheader").nth(0)).to_have_text("KL – Kommunernes Landsforening")
    await expect(page.locator(".countdown__left")).to_contain_text(re.compile(r"om (9|10) dage"))
    await expect(page.get_by_role("region", name="Høringsbrev")).to_contain_text("bemærkninger til strategien")
    await ui.check("consultation-page-open")

    # KL: the reader says what is consulted on, the deadline and KL's own status; a comment is drafted.
    kl = await new_ui(KL_COMMENTER)
    kpage = kl.page
    await kl.open(f"/documents/{slug}")
    notice = kpage.get_by_role("region", name=re.compile("Udgave 1 – Høringsudkast er i høring"))
    await expect(notice).to_contain_text("Inviteret")
    await expect(notice.locator(".countdown")).to_be_visible()
    await kl.check("reader-consultation-open")
    button = kpage.get_by_role("button", name=re.compile(r"^Kommentér\W+tekststykket, der begynder: Data skal deles"))
    await button.click()
    composer = kpage.locator("form.composer")
    await composer.get_by_label("Kommentar").fill("Samtykke bør ikke være den eneste hjemmel.")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(kpage.get_by_role("status")).to_contain_text("gemt som kladde")

    # The steering group asks on the other section (with Markdown: the preview quotes it as it reads); KL's reply to it is a draft of KL's response too.
    question = await (await as_user(SDS)).execute(
        ADD, {"input": {"sectionId": document["sections"][1], "version": 1, "body": "Hvornår kan **KL** bidrage?"}}
    )
    assert question["addComment"]["comment"]["submitted"], question
    reply = await (await as_user(KL_COMMENTER)).execute(
        ADD,
        {
            "input": {
                "sectionId": document["sections"][1],
                "version": 1,
                "body": "KL ønsker en **tidsplan**.",
                "parentId": question["addComment"]["comment"]["id"],
            }
        },
    )
    assert reply["addComment"]["comment"]["submitted"] is False, reply
    await kl.open(consultation_url)
    own_kl = kpage.get_by_role("region", name=re.compile("Jeres høringssvar"))
    await expect(own_kl).to_contain_text("Skriver på svar")
    # General remarks and a response letter go with KL's response; a file that is no PDF is refused.
    await own_kl.get_by_label("Generelle bemærkninger").fill(
        "KL støtter *strategiens retning*.\n\n- sammenhæng\n- tryghed"
    )
    await own_kl.get_by_role("button", name="Gem bemærkningerne").click()
    await expect(own_kl.get_by_role("status")).to_contain_text("gemt som kladde")
    letter = own_kl.get_by_label("Høringsbrev fra jer (PDF eller Word)")
    await letter.set_input_files({"name": "brev.pdf", "mimeType": "application/pdf", "buffer": b"ikke en pdf"})
    await own_kl.get_by_role("button", name="Vedhæft brevet").click()
    await expect(own_kl.locator(".field__error")).to_be_visible()
    await letter.set_input_files({"name": "KL høringssvar.pdf", "mimeType": "application/pdf", "buffer": PDF})
    await own_kl.get_by_role("button", name="Vedhæft brevet").click()
    await expect(own_kl.get_by_role("link", name="KL høringssvar.pdf")).to_be_visible()
    await kl.check("consultation-response-draft")

    await kl.open(f"/documents/{slug}/comments")
    drafts = kpage.get_by_role("region", name=re.compile("Jeres kladder"))
    await expect(drafts.get_by_role("heading", level=3)).to_have_text(["Afsnit: Formål", "Afsnit: Almen praksis"])
    await drafts.get_by_role("button", name="Gennemse og indsend jeres høringssvar (2 kommentarer)").click()
    dialog = kpage.get_by_role("dialog", name="Det sender I")
    await expect(dialog.get_by_role("heading", level=3)).to_have_text(
        ["Generelle bemærkninger", "Formål (1 kommentar)", "Almen praksis (1 kommentar)"]
    )
    # What is previewed reads as what is sent: Markdown rendered as the comment threads render it.
    await expect(dialog).to_contain_text("KL ønsker en tidsplan.")
    await expect(dialog.locator("strong")).to_have_text(["tidsplan"])
    await expect(dialog).not_to_contain_text("*")
    await expect(dialog).to_contain_text("Svar til SDS: »Hvornår kan KL bidrage?«")
    remarks = dialog.get_by_role("region", name="Generelle bemærkninger")
    await expect(remarks).to_contain_text("KL støtter strategiens retning.")
    await expect(remarks.locator("em")).to_have_text("strategiens retning")
    await expect(remarks.get_by_role("listitem")).to_have_text(["sammenhæng", "tryghed"])
    await expect(dialog.get_by_role("link", name="Vedhæftet brev: KL høringssvar.pdf")).to_be_visible()
    await dialog.get_by_role("button", name="Indsend 2 kommentarer").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("Sæt flueben")
    await kl.check("submit-preview")
    await dialog.get_by_label(re.compile("Vi har gennemset kommentarerne")).check()
    await dialog.get_by_role("button", name="Indsend 2 kommentarer").click()
    await expect(dialog).to_be_hidden()
    await expect(kpage.get_by_role("status").filter(has_text="indsendt")).to_contain_text("2 kommentarer")
    await kl.open(consultation_url)
    await expect(kpage.get_by_role("region", name=re.compile("Jeres høringssvar"))).to_contain_text("Har svaret")

    # PLO on a phone: »ingen bemærkninger«, confirmed explicitly.
    plo = await new_ui(PLO_COMMENTER, width=390)
    ppage = plo.page
    await plo.open(consultation_url)
    own = ppage.get_by_role("region", name="Jeres høringssvar (PLO)")
    await own.get_by_role("button", name="Svar »ingen bemærkninger«").click()
    await expect(own.get_by_role("alert")).to_contain_text("Sæt flueben")
    await own.get_by_label(re.compile("Vi bekræfter, at PLO.+ikke har bemærkninger")).check()
    await own.get_by_role("button", name="Svar »ingen bemærkninger«").click()
    await expect(ppage.get_by_role("status")).to_contain_text("»ingen bemærkninger« er registreret")
    await expect(ppage.get_by_role("row", name=re.compile("^PLO"))).to_contain_text("Ingen bemærkninger")
    await no_sideways_scrolling(ppage)
    await plo.check("consultation-page-phone")
    await plo.open("/")
    await expect(ppage.locator(".document-summary", has=ppage.locator(f"a[href='/documents/{slug}']"))).to_contain_text(
        "Ingen bemærkninger"
    )
    await no_sideways_scrolling(ppage)

    # The steering group answers KL's comment; KL does not see the answer before it is published.
    steering = await new_ui(KL)
    spage = steering.page
    await steering.open(f"/documents/{slug}/comments")
    remark = spage.locator("article", has_text="eneste hjemmel")
    await remark.get_by_role("button", name="Giv svar").click()
    await remark.get_by_label("Behandling").select_option(label="Delvist imødekommet")
    await remark.get_by_label("Svar til organisationen").fill("Vi nævner også anden hjemmel.")
    await remark.get_by_role("button", name="Gem svar").click()
    await expect(spage.get_by_role("status").filter(has_text="Svaret er gemt")).to_be_visible()
    await kl.open(f"/documents/{slug}/comments")
    await expect(kpage.locator("article", has_text="eneste hjemmel")).not_to_contain_text("anden hjemmel")

    # The secretariat: statuses and counts, publishing KL's answers, a later deadline, closing.
    await ui.open(consultation_url)
    await expect(page.get_by_role("row", name=re.compile("^KL"))).to_contain_text("Har svaret")
    await expect(page.get_by_role("row", name=re.compile("^Danske Regioner"))).to_contain_text("Inviteret")
    # KL's submission was its response; PLO answered »ingen bemærkninger«; the regions owe theirs.
    await expect(page.locator(".consultation-counts")).to_have_text(
        "Har svaret: 1 · Ingen bemærkninger: 1 · Har afslået: 0 · Mangler svar: 1"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Offentliggør svarene til KL").click()
    await expect(page.get_by_role("status").filter(has_text="offentliggjort")).to_be_visible()
    await expect(page.get_by_role("row", name=re.compile("^KL"))).to_contain_text("Offentliggjort for parten")
    manage = page.get_by_role("region", name="Styr høringen")
    await fill_deadline(manage, (local(app, 12)[0], "15.00"))
    await manage.get_by_label("Begrundelse").fill("Regionerne har bedt om mere tid.")
    await manage.get_by_role("button", name="Forlæng fristen").click()
    await expect(page.get_by_role("status").filter(has_text="forlænget")).to_be_visible()
    await expect(page.locator(".countdown")).to_contain_text("kl. 15.00")
    await ui.check("consultation-page-manage")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Afslut høringen nu").click()
    await expect(page.locator(".document-header .tag")).to_have_text("Afsluttet")
    await expect(page.get_by_role("row", name=re.compile("^Danske Regioner"))).to_contain_text("Intet svar")
    await ui.check("consultation-page-closed")
    await ui.open(f"/documents/{slug}/consultations")
    await expect(page.get_by_role("link", name="Høring over Udgave 1 – Høringsudkast")).to_be_visible()
    await ui.check("consultations")

    # KL now reads the steering group's answer.
    await kl.open(f"/documents/{slug}/comments")
    await expect(kpage.locator("article", has_text="eneste hjemmel")).to_contain_text("Vi nævner også anden hjemmel.")

    # KL's reader: commenting closed with the consultation, and says when.
    await kl.open(f"/documents/{slug}")
    closed = kpage.get_by_role("note", name="Kommentering er lukket")
    await expect(closed).to_contain_text(
        re.compile(r"Der kan ikke længere kommenteres: høringen sluttede \d+\. [a-zæøå]+ \d{4}")
    )
    await expect(kpage.get_by_role("button", name=re.compile("^Kommentér"))).to_have_count(0)
    await kl.check("reader-consultation-closed")

    # The secretariat's pages on a phone: the list with the open form, and the closed consultation.
    phone = await new_ui(SECRETARIAT, width=390)
    await phone.open(f"/documents/{slug}/consultations")
    await expect(phone.page.get_by_role("region", name="Send en udgave i høring")).to_be_visible()
    await no_sideways_scrolling(phone.page)
    await phone.open(consultation_url)
    await expect(phone.page.get_by_role("table", name="Høringsliste")).to_be_visible()
    await no_sideways_scrolling(phone.page)
    await phone.check("consultation-page-phone-secretariat")


OPEN = """mutation($input: OpenConsultationInput!) { openConsultation(input: $input) {
  __typename ... on ConsultationOpened { consultation { id } } ... on UserError { message } } }"""
SAVE = """mutation($input: SaveSectionInput!) { saveSection(input: $input) {
  __typename ... on UserError { message } } }"""
DELETE_SECTION = """mutation($input: DeleteSectionInput!) { deleteSection(input: $input) {
  __typename ... on UserError { message } } }"""
KL_COMMENTS = """query($id: ID!) { document(id: $id) { sections { version
  comments { body sectionVersion submitted anchor { exact } } } } }"""


async def test_a_consulted_party_comments_on_the_text_sent_after_the_steering_group_edits_it(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    """Issue 18: while the consultation is open, KL's reader shows each section as it was sent
    (Udgave 1), says that the steering group has edited it since, and KL's comment from the reader
    lands on the consulted version — not refused because the text has moved on — with its marker and
    highlight in the text KL reads. A section the steering group deleted after sending is still KL's to
    read and comment on, and says so; the steering group reads the document as it is now."""
    secretariat = await as_user(SECRETARIAT)
    document = await new_document(
        secretariat,
        [
            ("Formål", f"Strategien samler indsatsen.\n\n{CONSENT}\n"),
            ("Almen praksis", "Den digitale almen praksis.\n"),
            ("Økonomi", "Midlerne fordeles årligt.\n"),
        ],
        ("kl", "danske-regioner"),
    )
    created = await secretariat.execute(SNAPSHOT, {"input": {"documentId": document["id"], "label": "Høringsudkast"}})
    opened = await secretariat.execute(
        OPEN,
        {
            "input": {
                "snapshotId": created["createSnapshot"]["snapshot"]["id"],
                "deadline": (app.clock.now() + timedelta(days=10)).isoformat(),
                "organizationIds": await org_ids(secretariat, "kl"),
                "letter": "Styregruppen beder om jeres bemærkninger.",
            }
        },
    )
    assert opened["openConsultation"]["__typename"] == "ConsultationOpened", opened
    # The steering group edits the first section during the consultation.
    edited = await (await as_user(SDS)).execute(
        SAVE,
        {
            "input": {
                "sectionId": document["sections"][0],
                "baseVersion": 1,
                "title": "Formål og rammer",
                "body": "Strategien samler indsatsen.\n\nData deles kun med hjemmel i lov.\n",
            }
        },
    )
    assert edited["saveSection"]["__typename"] == "SectionSaved", edited
    deleted = await (await as_user(SDS)).execute(DELETE_SECTION, {"input": {"sectionId": document["sections"][2]}})
    assert deleted["deleteSection"]["__typename"] == "SectionDeleted", deleted

    kl = await new_ui(KL_COMMENTER)
    page = kl.page
    await kl.open(f"/documents/{document['slug']}")
    first = page.locator(f"[data-section-id='{document['sections'][0]}']")
    await expect(first.get_by_role("heading", level=2)).to_have_text("Formål")
    await expect(page.get_by_role("navigation", name="Indhold").get_by_role("link")).to_have_text(
        ["Formål", "Almen praksis", "Økonomi"]
    )
    await expect(first.locator("[data-prose]")).to_contain_text(CONSENT)
    await expect(first.locator("[data-prose]")).not_to_contain_text("hjemmel i lov")
    await expect(first).to_contain_text(
        "Du læser udgaven sendt i høring (Udgave 1). Styregruppen har siden redigeret afsnittet."
    )
    changes = first.get_by_role("link", name=re.compile("^Se, hvad der er ændret siden"))
    await expect(changes).to_have_attribute("href", re.compile(r"/history\?from=1&to=2$"))
    second = page.locator(f"[data-section-id='{document['sections'][1]}']")
    await expect(second).to_contain_text("Du læser udgaven sendt i høring (Udgave 1).")
    await expect(second).not_to_contain_text("Styregruppen har siden redigeret")
    await kl.check("reader-consulted-version")

    await first.get_by_role(
        "button", name=re.compile(r"^Kommentér\W+tekststykket, der begynder: Data skal deles")
    ).click()
    composer = page.locator("form.composer")
    await composer.get_by_label("Kommentar").fill("Samtykke bør ikke være den eneste hjemmel.")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(page.get_by_role("status")).to_contain_text("gemt som kladde")
    # Its marker and highlight are in the text KL reads, though the passage is gone from the current text.
    consent = first.locator(".block", has_text=CONSENT)
    await expect(consent.get_by_role("button", name="1 kommentar")).to_be_visible()
    # …and its thread quotes the passage as found in that text, not as gone from the newer one.
    await consent.get_by_role("button", name="1 kommentar").click()
    thread = first.locator(".comment", has_text="Samtykke bør ikke være den eneste hjemmel.")
    await expect(thread).to_contain_text(CONSENT)
    await expect(thread).not_to_contain_text("findes ikke længere")
    highlighted = "() => [...CSS.highlights.get('udkast-comment')].map((range) => range.toString())"
    await page.wait_for_function(f"() => ({highlighted})().length > 0")
    assert await page.evaluate(highlighted) == [CONSENT]
    await expect(first.get_by_role("complementary", name=re.compile("ikke længere"))).to_have_count(0)
    await kl.check("reader-consulted-marker")

    # The deleted section: KL reads it as sent, is told it was deleted since, and comments on it.
    gone = page.locator(f"[data-section-id='{document['sections'][2]}']")
    await expect(gone.get_by_role("heading", level=2)).to_have_text("Økonomi")
    await expect(gone).to_contain_text(
        "Du læser udgaven sendt i høring (Udgave 1). Afsnittet er siden slettet af styregruppen."
    )
    await gone.get_by_role("button", name=re.compile(r"^Kommentér\W+tekststykket, der begynder: Midlerne")).click()
    await composer.get_by_label("Kommentar").fill("KL ønsker afsnittet bevaret.")
    await composer.get_by_role("button", name="Gem kommentar").click()
    await expect(gone.get_by_role("status")).to_contain_text("gemt som kladde")
    await expect(gone.get_by_role("button", name="1 kommentar")).to_be_visible()
    await kl.check("reader-consulted-deleted")

    # The comment is on the consulted version (1), anchored in the text sent, while the section is at version 2.
    sections = (await (await as_user(KL_COMMENTER)).execute(KL_COMMENTS, {"id": document["id"]}))["document"][
        "sections"
    ]
    assert sections[0]["version"] == 2
    assert len(sections) == 3 and [c["body"] for c in sections[2]["comments"]] == ["KL ønsker afsnittet bevaret."]
    [comment] = sections[0]["comments"]
    assert comment["body"] == "Samtykke bør ikke være den eneste hjemmel."
    assert comment["sectionVersion"] == 1 and comment["submitted"] is False
    assert comment["anchor"]["exact"] == CONSENT

    # The steering group reads the current text.
    steering = await new_ui(SDS)
    await steering.open(f"/documents/{document['slug']}")
    current = steering.page.locator(f"[data-section-id='{document['sections'][0]}']")
    await expect(current.get_by_role("heading", level=2)).to_have_text("Formål og rammer")
    await expect(steering.page.get_by_role("navigation", name="Indhold").get_by_role("link")).to_have_text(
        ["Formål og rammer", "Almen praksis"]
    )
    await expect(steering.page.locator(f"[data-section-id='{document['sections'][2]}']")).to_have_count(0)
    await expect(current.locator("[data-prose]")).to_contain_text("hjemmel i lov")
    await expect(current).not_to_contain_text("Du læser udgaven sendt i høring")


async def test_the_steering_group_is_told_when_a_party_changed_a_comment_it_had_answered(
    new_ui: NewUi, as_user: AsUser, app: RunningApp
) -> None:
    """An answer is the steering group's draft until published: the party may still change its comment,
    and the steering group sees, at its answer, that the comment changed after it answered."""
    sec, kl = await as_user(SECRETARIAT), await as_user(KL_COMMENTER)
    document, _ = await direct._consultation(sec, app.clock, ("kl",))
    remark = await direct._add(kl, document["sections"][0], "Hvem har ansvaret for sikkerheden?")
    answer = {"commentId": remark, "status": "NOTED", "response": "Ansvaret ligger hos regionerne."}
    assert (await sec.execute(direct.RESPOND, {"input": answer}))["respondToComment"]["__typename"] == "CommentAnswered"

    ui = await new_ui(SECRETARIAT)
    await ui.open(f"/documents/{document['slug']}/comments")
    thread = ui.page.locator(".thread").filter(has_text="Hvem har ansvaret for sikkerheden?")
    await expect(thread).to_contain_text("Ansvaret ligger hos regionerne.")
    await expect(thread).not_to_contain_text("ændret, efter styregruppen svarede")

    edited = await kl.execute(direct.EDIT, {"input": {"commentId": remark, "body": "Hvem har ansvaret for driften?"}})
    assert edited["editComment"]["__typename"] == "CommentEdited", edited
    await ui.open(f"/documents/{document['slug']}/comments")
    thread = ui.page.locator(".thread").filter(has_text="Hvem har ansvaret for driften?")
    await expect(thread.locator(".notice--warning")).to_have_text(
        "Kommentaren er ændret, efter styregruppen svarede. Gennemse svaret, før det offentliggøres."
    )
    await ui.check("comments-changed-since-answer")
    # The party is not told there is an answer at all.
    party = await new_ui(KL_COMMENTER)
    await party.open(f"/documents/{document['slug']}/comments")
    await expect(party.page.locator(".thread").filter(has_text="Hvem har ansvaret for driften?")).to_be_visible()
    await expect(party.page.get_by_role("main")).not_to_contain_text("Ansvaret ligger hos regionerne.")
    await expect(party.page.get_by_role("main")).not_to_contain_text("ændret, efter styregruppen svarede")
