"""Danish-ish text of realistic length for the benchmark data, from the sentences of seeds/.

The seed documents' own prose is cut into sentences and recombined: sections of three to six
paragraphs (about 1,500–4,000 characters, sometimes with a bullet list), successive versions that
differ by a sentence or a word, and comments and responses in the register of a høringssvar.
Everything is drawn from one seeded ``random.Random``, so a dataset can be built again exactly.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

import yaml

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "documents"

_WORD_SWAPS = [
    ("skal", "bør"),
    ("bør", "skal"),
    ("fælles", "tværgående"),
    ("borgerne", "borgere og pårørende"),
    ("regionerne", "regioner og kommuner"),
    ("data", "sundhedsdata"),
    ("løsninger", "it-løsninger"),
    ("styrke", "understøtte"),
    ("sikre", "understøtte"),
    ("arbejdet", "indsatsen"),
]

SECTION_THEMES = [
    "Indledning og vision",
    "Borgeren som aktiv partner",
    "Data skal anvendes fuldt ud",
    "Screening og forebyggelse",
    "Den digitale almen praksis",
    "Sammenhængende patientforløb",
    "Telemedicin i hele landet",
    "Fælles services og arkitektur",
    "Informations- og cybersikkerhed",
    "Styring og opfølgning",
    "Kompetencer og organisering",
    "Økonomi og finansiering",
    "Kommunernes sundhedsopgaver",
    "Regionernes hospitaler",
    "Medicinområdet",
    "Digitale løsninger for børn og unge",
    "Psykiatrien",
    "Forskning og kvalitet",
    "Standarder og interoperabilitet",
    "Internationale erfaringer",
]

SAVE_SUMMARIES = [
    "Præciseret efter drøftelse i styregruppen",
    "Sproglige rettelser",
    "Indarbejdet bemærkninger fra KL",
    "Indarbejdet bemærkninger fra Danske Regioner",
    "Tilføjet afsnit om tidsplan",
    "Forkortet og strammet op",
    "Opdateret efter bestyrelsesseminaret",
    "Justeret formulering om finansiering",
    "",
]

_REMARK_OPENINGS = [
    "{org} bemærker, at",
    "{org} foreslår, at",
    "{org} finder det vigtigt, at",
    "{org} kan tilslutte sig afsnittet, men bemærker, at",
    "Det bør fremgå tydeligere, at",
    "{org} savner en præcisering af, at",
    "{org} har ingen bemærkninger til afsnittet ud over, at",
    "Efter {org}s opfattelse bør det fremgå, at",
]

_RESPONSES = [
    "Bemærkningen er indarbejdet i næste udkast.",
    "Styregruppen har drøftet bemærkningen og justeret formuleringen, så den afspejler hensynet.",
    "Bemærkningen tages til efterretning. Styregruppen vurderer, at afsnittet allerede dækker forholdet.",
    "Forslaget er delvist imødekommet: formuleringen er ændret, men tidsplanen fastholdes.",
    "Styregruppen kan ikke imødekomme forslaget, da det ligger uden for strategiens rammer.",
    "Forholdet behandles i den kommende implementeringsplan.",
]

_REPLIES = [
    "Tak for bemærkningen. Vi vender tilbage efter næste styregruppemøde.",
    "Kan I uddybe, hvilke initiativer I tænker på?",
    "Enig — det bør også gælde for de kommunale løsninger.",
    "Vi har drøftet det internt og fastholder bemærkningen.",
    "Se også vores bemærkning til afsnittet om fælles services.",
]


@cache
def sentences() -> tuple[str, ...]:
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section in spec["sections"]:
            # Prose paragraphs only: lists, tables, quotes and headings would break when recombined.
            for block in section["body"].split("\n\n"):
                if re.match(r"\s*([-*>|#]|\d+\.)", block):
                    continue
                prose = " ".join(block.split())
                found.extend(
                    s
                    for s in re.split(r"(?<=[.!?])\s+", prose)
                    if len(s) > 30 and s[0].isupper() and not re.search(r":\s", s)
                )
    if not found:
        raise RuntimeError("no seed prose found under seeds/documents")
    return tuple(found)


def paragraph(rng: random.Random, low: int = 2, high: int = 5) -> str:
    return " ".join(rng.choice(sentences()) for _ in range(rng.randint(low, high)))


def section_body(rng: random.Random) -> str:
    """Three to six paragraphs; one section in four also has a short bullet list."""
    parts = [paragraph(rng) for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.25:
        bullets = "\n".join(f"- {rng.choice(sentences()).rstrip('.')}" for _ in range(rng.randint(3, 5)))
        parts.insert(rng.randint(1, len(parts)), bullets)
    return "\n\n".join(parts) + "\n"


def next_version(rng: random.Random, body: str) -> str:
    """A plausible edit of ``body``: a sentence replaced, added or removed, or a word changed."""
    paragraphs = body.rstrip("\n").split("\n\n")
    index = rng.randrange(len(paragraphs))
    chosen = paragraphs[index]
    if chosen.startswith("- "):
        lines = chosen.split("\n")
        lines[rng.randrange(len(lines))] = f"- {rng.choice(sentences()).rstrip('.')}"
        paragraphs[index] = "\n".join(lines)
        return "\n\n".join(paragraphs) + "\n"
    parts = re.split(r"(?<=[.!?])\s+", chosen)
    move = rng.random()
    if move < 0.35 and len(parts) > 1:
        parts[rng.randrange(len(parts))] = rng.choice(sentences())
    elif move < 0.6:
        parts.insert(rng.randint(0, len(parts)), rng.choice(sentences()))
    elif move < 0.7 and len(parts) > 2:
        del parts[rng.randrange(len(parts))]
    elif move < 0.75 and len(paragraphs) < 8:
        paragraphs.insert(rng.randint(0, len(paragraphs)), paragraph(rng))
    else:
        j = rng.randrange(len(parts))
        for old, new in rng.sample(_WORD_SWAPS, len(_WORD_SWAPS)):
            if f" {old} " in parts[j]:
                parts[j] = parts[j].replace(f" {old} ", f" {new} ", 1)
                break
        else:
            parts[j] = parts[j].rstrip(".") + ", herunder i samarbejde med de relevante parter."
    paragraphs[index] = " ".join(parts)
    # Keep sections within a realistic length.
    while len("\n\n".join(paragraphs)) > 5000 and len(paragraphs) > 3:
        del paragraphs[rng.randrange(len(paragraphs))]
    return "\n\n".join(paragraphs) + "\n"


def _lower_first(sentence: str) -> str:
    return sentence[:1].lower() + sentence[1:]


def remark(rng: random.Random, organization: str) -> str:
    """A høringssvar-style remark of one to four sentences (about 100–800 characters)."""
    opening = rng.choice(_REMARK_OPENINGS).format(org=organization)
    text = f"{opening} {_lower_first(rng.choice(sentences()))}"
    extra = rng.choice([0, 0, 1, 1, 2, 3])
    if extra:
        text += " " + " ".join(rng.choice(sentences()) for _ in range(extra))
    return text


def proposal(rng: random.Random) -> str:
    return rng.choice(sentences())


def response(rng: random.Random) -> str:
    return rng.choice(_RESPONSES)


def reply(rng: random.Random) -> str:
    return rng.choice(_REPLIES)


def summary(rng: random.Random) -> str:
    return rng.choice(SAVE_SUMMARIES)


def section_title(index: int) -> str:
    theme = SECTION_THEMES[index % len(SECTION_THEMES)]
    return theme if index < len(SECTION_THEMES) else f"{theme} ({index // len(SECTION_THEMES) + 1})"
