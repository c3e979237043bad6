"""A corpus of concurrent edits of Danish sections, each with the answer a careful person would give.

Every case is a base text, the head a colleague saved meanwhile (*current*) and the text the editor
saves (*yours*, from the base). The expected answer is the merged text, or ``CONFLICT`` where the
two sides changed the same words differently or one deleted what the other edited. Issue 21 measured
13 needless conflicts and two silent formatting losses on such a corpus; see the counts in its note.
"""

from __future__ import annotations

import pytest

from server.drafting.merge import merge_three_way

CONFLICT = None

INTRO = "Strategien skal gøre det lettere for borgerne at bruge digitale løsninger."
DATA = "Data skal bruges bedre på tværs af sektorer."
SCREEN = "Screening skal tilbydes alle relevante borgere."
CLOSE = "Styregruppen følger op hvert halve år."

PARAGRAPH = (
    "Kommunerne og regionerne samarbejder om digital velfærd. "
    "Data skal deles på tværs af sektorerne. "
    "Borgerne skal opleve en sammenhængende indsats. "
    "Indsatsen evalueres i 2022."
)

WRAPPED = (
    "Kommunerne og regionerne samarbejder om digital velfærd. Data skal\n"
    "deles på tværs af sektorerne. Borgerne skal opleve en sammenhængende\n"
    "indsats. Indsatsen evalueres i 2022."
)

# One long paragraph: edits near its start and its end are about 2,400 characters apart.
_FILLER = " ".join(f"Delmål {n} beskrives nærmere i bilag {n} til strategien." for n in range(1, 45))
LONG = f"Indledningsvis fastslås målene. {_FILLER} Til sidst vurderes effekten."

ADDRESS = "Sundhedsdatastyrelsen  \nAnkerhus  \nEdvard Thomsens Vej 10  \n2300 København S"

TABLE = (
    "| Indsats | Ansvarlig | Frist |\n"
    "| --- | --- | --- |\n"
    "| Fælles sprog | SDS | 2019 |\n"
    "| Telemedicin | Regionerne | 2020 |\n"
    "| Sikkerhed | KL | 2021 |"
)

LIST = "Målene er:\n- bedre data\n- færre siloer\n- tryg deling"
ORDERED = "Trinene er:\n\n1. kortlægning\n2. udvikling\n3. afprøvning\n4. udrulning"


def _doc(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


CASES = [
    # Different paragraphs (already merged before issue 21).
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), DATA, CLOSE),
        _doc(INTRO, DATA, CLOSE.replace("halve år", "år")),
        _doc(INTRO.replace("lettere", "nemmere"), DATA, CLOSE.replace("halve år", "år")),
        id="paragraphs-different",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, CLOSE),
        _doc(INTRO, DATA, CLOSE, "Bilag følger."),
        _doc(INTRO, CLOSE, "Bilag følger."),
        id="paragraph-deleted-vs-paragraph-added-elsewhere",
    ),
    pytest.param(
        _doc(INTRO, DATA, SCREEN, CLOSE),
        _doc(INTRO, DATA + " Også i kommunerne.", SCREEN, CLOSE),
        _doc(INTRO, DATA, SCREEN + " Også for børn.", CLOSE),
        _doc(INTRO, DATA + " Også i kommunerne.", SCREEN + " Også for børn.", CLOSE),
        id="adjacent-paragraphs",
    ),
    pytest.param(
        _doc(INTRO, LIST, CLOSE),
        _doc(INTRO, LIST.replace("bedre data", "bedre og flere data"), CLOSE),
        _doc(INTRO, LIST.replace("tryg deling", "tryg og sikker deling"), CLOSE),
        _doc(
            INTRO,
            LIST.replace("bedre data", "bedre og flere data").replace("tryg deling", "tryg og sikker deling"),
            CLOSE,
        ),
        id="list-items-different",
    ),
    pytest.param(
        _doc(INTRO, LIST),
        _doc(INTRO, LIST.replace("Målene er:", "De fire mål er:")),
        _doc(INTRO, LIST.replace("- færre siloer\n", "")),
        _doc(INTRO, LIST.replace("Målene er:", "De fire mål er:").replace("- færre siloer\n", "")),
        id="lead-in-vs-item-deleted",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), CLOSE),
        id="identical-edits",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE).replace("\n", "\r\n"),
        _doc(INTRO + " Nu.", DATA, CLOSE).replace("\n", "\r\n"),
        _doc(INTRO, DATA, CLOSE + " Også."),
        _doc(INTRO + " Nu.", DATA, CLOSE + " Også."),
        id="crlf-and-lf",
    ),
    pytest.param(
        _doc("## Mål", INTRO, "## Opfølgning", CLOSE),
        _doc("## Mål og midler", INTRO, "## Opfølgning", CLOSE),
        _doc("## Mål", INTRO, "## Opfølgning", CLOSE, "Første status i 2019."),
        _doc("## Mål og midler", INTRO, "## Opfølgning", CLOSE, "Første status i 2019."),
        id="heading-vs-new-paragraph",
    ),
    # Different sentences of one paragraph.
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("digital velfærd", "digital velfærd og sundhed"),
        PARAGRAPH.replace("i 2022", "i 2021"),
        PARAGRAPH.replace("digital velfærd", "digital velfærd og sundhed").replace("i 2022", "i 2021"),
        id="sentences-different",
    ),
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("Data skal deles på tværs af sektorerne. ", ""),
        PARAGRAPH.replace("i 2022", "i 2021"),
        PARAGRAPH.replace("Data skal deles på tværs af sektorerne. ", "").replace("i 2022", "i 2021"),
        id="sentence-deleted-vs-other-sentence-edited",
    ),
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("velfærd. ", "velfærd. Det gælder også praksis. "),
        PARAGRAPH.replace("sammenhængende indsats", "sammenhængende og tryg indsats"),
        PARAGRAPH.replace("velfærd. ", "velfærd. Det gælder også praksis. ").replace(
            "sammenhængende indsats", "sammenhængende og tryg indsats"
        ),
        id="sentence-inserted-vs-other-sentence-edited",
    ),
    pytest.param(
        WRAPPED,
        WRAPPED.replace("digital velfærd", "digital sundhed"),
        WRAPPED.replace("i 2022", "i 2021"),
        WRAPPED.replace("digital velfærd", "digital sundhed").replace("i 2022", "i 2021"),
        id="hard-wrapped-sentences-different",
    ),
    pytest.param(
        WRAPPED,
        WRAPPED.replace("Data skal\ndeles", "Data skal\naltid deles"),
        WRAPPED.replace("sammenhængende\nindsats", "sammenhængende\nog tryg indsats"),
        WRAPPED.replace("Data skal\ndeles", "Data skal\naltid deles").replace(
            "sammenhængende\nindsats", "sammenhængende\nog tryg indsats"
        ),
        id="hard-wrapped-adjacent-lines",
    ),
    pytest.param(
        LONG,
        LONG.replace("Indledningsvis fastslås", "Først fastslås"),
        LONG.replace("vurderes effekten", "vurderes effekten grundigt"),
        LONG.replace("Indledningsvis fastslås", "Først fastslås").replace(
            "vurderes effekten", "vurderes effekten grundigt"
        ),
        id="long-paragraph-far-apart",
    ),
    pytest.param(
        _doc(INTRO, PARAGRAPH, CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), PARAGRAPH.replace("digital velfærd", "velfærd"), CLOSE),
        _doc(INTRO, PARAGRAPH.replace("i 2022", "i 2021"), CLOSE + " Første gang i 2019."),
        _doc(
            INTRO.replace("lettere", "nemmere"),
            PARAGRAPH.replace("digital velfærd", "velfærd").replace("i 2022", "i 2021"),
            CLOSE + " Første gang i 2019.",
        ),
        id="sentences-and-paragraphs-mixed",
    ),
    # Different words of one sentence.
    pytest.param(
        DATA,
        DATA.replace("Data skal", "Data må"),
        DATA.replace("sektorer.", "sektorer og myndigheder."),
        "Data må bruges bedre på tværs af sektorer og myndigheder.",
        id="words-different",
    ),
    pytest.param(
        SCREEN,
        SCREEN.replace("Screening", "Screening for kræft"),
        SCREEN.replace("relevante borgere", "relevante voksne borgere"),
        "Screening for kræft skal tilbydes alle relevante voksne borgere.",
        id="words-inserted-different-places",
    ),
    pytest.param(
        "- Fælles sprog for data i kommuner, regioner og stat",
        "- Fælles sprog for sundhedsdata i kommuner, regioner og stat",
        "- Fælles sprog for data i kommuner, regioner og staten",
        "- Fælles sprog for sundhedsdata i kommuner, regioner og staten",
        id="words-in-one-list-item",
    ),
    # Both sides insert at the same place.
    pytest.param(
        LIST,
        LIST + "\n- åbne standarder",
        LIST + "\n- bedre sikkerhed",
        LIST + "\n- åbne standarder\n- bedre sikkerhed",
        id="two-new-list-items",
    ),
    pytest.param(
        _doc(INTRO, DATA),
        _doc(INTRO, DATA, "Strategien revideres i 2020."),
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, DATA, "Strategien revideres i 2020.", CLOSE),
        id="two-closing-paragraphs",
    ),
    pytest.param(
        _doc(INTRO, LIST),
        _doc(INTRO, LIST + "\n- åbne standarder"),
        _doc(INTRO, LIST, CLOSE),
        _doc(INTRO, LIST + "\n- åbne standarder", CLOSE),
        id="new-item-vs-new-paragraph-after-list",
    ),
    pytest.param(
        _doc(INTRO, CLOSE),
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, SCREEN, CLOSE),
        _doc(INTRO, DATA, SCREEN, CLOSE),
        id="two-paragraphs-in-the-middle",
    ),
    pytest.param(
        DATA,
        DATA + " Det kræver fælles standarder.",
        DATA + " Borgerne skal kunne se egne data.",
        DATA + " Det kræver fælles standarder. Borgerne skal kunne se egne data.",
        id="two-sentences-at-paragraph-end",
    ),
    # Ordered lists renumbered; line wrapping.
    pytest.param(
        ORDERED,
        ORDERED.replace("1. kortlægning\n", "1. forundersøgelse\n2. kortlægning\n")
        .replace("2. udvikling", "3. udvikling")
        .replace("3. afprøvning", "4. afprøvning")
        .replace("4. udrulning", "5. udrulning"),
        ORDERED.replace("afprøvning", "afprøvning i to regioner"),
        "Trinene er:\n\n1. forundersøgelse\n2. kortlægning\n3. udvikling\n4. afprøvning i to regioner\n5. udrulning",
        id="ordered-list-renumbered-vs-item-edited",
    ),
    pytest.param(
        ORDERED,
        "Trinene er:\n\n1. kortlægning\n1. udvikling\n1. afprøvning\n1. udrulning",
        ORDERED.replace("udrulning", "udrulning i hele landet"),
        "Trinene er:\n\n1. kortlægning\n1. udvikling\n1. afprøvning\n1. udrulning i hele landet",
        id="ordered-list-lazy-numbering-vs-item-edited",
    ),
    pytest.param(
        _doc(INTRO, WRAPPED),
        _doc(INTRO, WRAPPED.replace("\n", " ")),
        _doc(INTRO, WRAPPED.replace("i 2022", "i 2021")),
        _doc(INTRO, WRAPPED.replace("i 2022", "i 2021")),
        id="rewrapped-vs-word-edit",
    ),
    pytest.param(
        _doc(INTRO, PARAGRAPH),
        _doc(INTRO.replace("lettere", "nemmere"), PARAGRAPH.replace("velfærd. ", "velfærd.\n")),
        _doc(INTRO, PARAGRAPH.replace("i 2022", "i 2021")),
        _doc(INTRO.replace("lettere", "nemmere"), PARAGRAPH.replace("i 2022", "i 2021")),
        id="paragraph-rewrapped-and-other-edited-vs-word-edit",
    ),
    # A unit moved by one side and edited by the other.
    pytest.param(
        _doc(INTRO, DATA, SCREEN, CLOSE),
        _doc(INTRO, SCREEN, DATA, CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), SCREEN, CLOSE),
        _doc(INTRO, SCREEN, DATA.replace("bedre", "langt bedre"), CLOSE),
        id="paragraphs-reordered-vs-one-edited",
    ),
    pytest.param(
        _doc(INTRO, DATA, SCREEN, CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), SCREEN, CLOSE),
        _doc(DATA, INTRO, SCREEN, CLOSE),
        _doc(DATA.replace("bedre", "langt bedre"), INTRO, SCREEN, CLOSE),
        id="paragraph-edited-vs-moved-up",
    ),
    pytest.param(
        LIST,
        "Målene er:\n- tryg deling\n- bedre data\n- færre siloer",
        LIST.replace("færre siloer", "færre siloer i sundhedsvæsenet"),
        "Målene er:\n- tryg deling\n- bedre data\n- færre siloer i sundhedsvæsenet",
        id="list-item-moved-vs-another-edited",
    ),
    pytest.param(
        LIST,
        "Målene er:\n- færre siloer\n- tryg deling\n- bedre data",
        LIST.replace("bedre data", "bedre og flere data"),
        "Målene er:\n- færre siloer\n- tryg deling\n- bedre og flere data",
        id="list-item-moved-vs-it-edited",
    ),
    # Tables: rows are units.
    pytest.param(
        TABLE,
        TABLE.replace("| SDS | 2019 |", "| SDS | 2018 |"),
        TABLE.replace("| KL | 2021 |", "| KL og regionerne | 2021 |"),
        TABLE.replace("| SDS | 2019 |", "| SDS | 2018 |").replace("| KL | 2021 |", "| KL og regionerne | 2021 |"),
        id="table-different-rows",
    ),
    pytest.param(
        TABLE,
        TABLE + "\n| Data | SDS | 2022 |",
        TABLE.replace("| Regionerne | 2020 |", "| Regionerne | 2021 |"),
        TABLE.replace("| Regionerne | 2020 |", "| Regionerne | 2021 |") + "\n| Data | SDS | 2022 |",
        id="table-row-appended-vs-cell-edited",
    ),
    pytest.param(
        _doc(INTRO, TABLE, CLOSE),
        _doc(INTRO, TABLE + "\n| Data | SDS | 2022 |", CLOSE),
        _doc(INTRO, TABLE + "\n| Screening | Regionerne | 2022 |", CLOSE),
        _doc(INTRO, TABLE + "\n| Data | SDS | 2022 |\n| Screening | Regionerne | 2022 |", CLOSE),
        id="table-two-rows-appended",
    ),
    pytest.param(
        _doc(INTRO, TABLE),
        _doc(INTRO.replace("lettere", "nemmere"), TABLE),
        _doc(INTRO, TABLE.replace("| Telemedicin | Regionerne | 2020 |\n", "")),
        _doc(INTRO.replace("lettere", "nemmere"), TABLE.replace("| Telemedicin | Regionerne | 2020 |\n", "")),
        id="table-row-deleted-vs-paragraph-edited",
    ),
    # Hard breaks are kept through a merge.
    pytest.param(
        _doc(INTRO, ADDRESS, CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), ADDRESS, CLOSE),
        _doc(INTRO, ADDRESS, CLOSE.replace("halve år", "år")),
        _doc(INTRO.replace("lettere", "nemmere"), ADDRESS, CLOSE.replace("halve år", "år")),
        id="hard-breaks-kept-in-a-merge",
    ),
    pytest.param(
        _doc(INTRO, ADDRESS.replace("  \n", "\\\n")),
        _doc(INTRO + " Nu.", ADDRESS.replace("  \n", "\\\n")),
        _doc(INTRO, ADDRESS.replace("  \n", "\\\n").replace("10", "11")),
        _doc(INTRO + " Nu.", ADDRESS.replace("  \n", "\\\n").replace("10", "11")),
        id="backslash-breaks-kept-in-a-merge",
    ),
    pytest.param(
        _doc(INTRO, ADDRESS.replace("  \n", "\n"), CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), ADDRESS.replace("  \n", "\n"), CLOSE),
        _doc(INTRO, ADDRESS, CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), ADDRESS, CLOSE),
        id="hard-breaks-added-vs-other-paragraph-edited",
    ),
    pytest.param(
        ADDRESS,
        ADDRESS.replace("Ankerhus", "Ankerhus, 3. sal"),
        ADDRESS.replace("2300 København S", "2300 København S  \nDanmark"),
        ADDRESS.replace("Ankerhus", "Ankerhus, 3. sal") + "  \nDanmark",
        id="address-lines-edited-on-both-sides",
    ),
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("sammenhængende", "**sammenhængende**"),
        PARAGRAPH.replace("i 2022", "i 2021"),
        PARAGRAPH.replace("sammenhængende", "**sammenhængende**").replace("i 2022", "i 2021"),
        id="emphasis-added-vs-other-sentence-edited",
    ),
    pytest.param(
        "Indsatser:\n- data\n  - fælles sprog\n- sikkerhed",
        "Indsatser:\n- data\n  - fælles sprog og begreber\n- sikkerhed",
        "Indsatser:\n- data\n  - fælles sprog\n- sikkerhed\n- telemedicin",
        "Indsatser:\n- data\n  - fælles sprog og begreber\n- sikkerhed\n- telemedicin",
        id="nested-item-edited-vs-item-added",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO.replace("lettere", "nemmere"), DATA, SCREEN, CLOSE),
        _doc(INTRO, DATA, SCREEN, CLOSE.replace("halve år", "år")),
        _doc(INTRO.replace("lettere", "nemmere"), DATA, SCREEN, CLOSE.replace("halve år", "år")),
        id="same-paragraph-added-and-different-edits",
    ),
    # True conflicts stay conflicts.
    pytest.param(
        DATA,
        DATA.replace("bedre", "langt bedre"),
        DATA.replace("bedre", "meget bedre"),
        CONFLICT,
        id="same-word-changed-differently",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), CLOSE),
        CONFLICT,
        id="paragraph-deleted-vs-edited",
    ),
    pytest.param(
        _doc(INTRO, DATA, CLOSE),
        _doc(INTRO, DATA.replace("bedre", "langt bedre"), CLOSE),
        _doc(INTRO, CLOSE),
        CONFLICT,
        id="paragraph-edited-vs-deleted",
    ),
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("Data skal deles på tværs af sektorerne. ", ""),
        PARAGRAPH.replace("på tværs af sektorerne", "på tværs af alle sektorer"),
        CONFLICT,
        id="sentence-deleted-vs-edited",
    ),
    pytest.param(
        PARAGRAPH,
        PARAGRAPH.replace("Borgerne skal opleve en sammenhængende indsats.", "Borgerne får én indgang."),
        PARAGRAPH.replace("Borgerne skal opleve en sammenhængende indsats.", "Indsatsen skal hænge sammen."),
        CONFLICT,
        id="same-sentence-rewritten-differently",
    ),
    pytest.param(
        LIST,
        LIST.replace("- færre siloer\n", ""),
        LIST.replace("færre siloer", "færre og mindre siloer"),
        CONFLICT,
        id="list-item-deleted-vs-edited",
    ),
    pytest.param(
        TABLE,
        TABLE.replace("| SDS | 2019 |", "| SDS | 2018 |"),
        TABLE.replace("| SDS | 2019 |", "| SDS | 2020 |"),
        CONFLICT,
        id="table-same-cell-changed-differently",
    ),
    pytest.param(
        WRAPPED,
        WRAPPED.replace("Data skal\ndeles", "Data må\ndeles"),
        WRAPPED.replace("Data skal\ndeles", "Data bør\ndeles"),
        CONFLICT,
        id="hard-wrapped-same-word-changed-differently",
    ),
    pytest.param(
        ADDRESS,
        ADDRESS.replace("Edvard Thomsens Vej 10", "Edvard Thomsens Vej 12"),
        ADDRESS.replace("Edvard Thomsens Vej 10", "Islands Brygge 67"),
        CONFLICT,
        id="address-line-changed-differently",
    ),
    pytest.param(
        _doc(INTRO, DATA, SCREEN, CLOSE),
        _doc(INTRO, SCREEN, DATA, CLOSE),
        _doc(INTRO, SCREEN, CLOSE),
        _doc(INTRO, SCREEN, CLOSE),
        id="paragraph-moved-vs-deleted",
    ),
]


@pytest.mark.parametrize(("base", "current", "yours", "expected"), CASES)
def test_merge_corpus(base: str, current: str, yours: str, expected: str | None) -> None:
    result = merge_three_way(base, current, yours)
    if expected is CONFLICT:
        assert result.conflict and result.text is None
    else:
        assert not result.conflict
        assert result.text == expected
