"""Build a realistic large Udkast dataset for the benchmark.

    python -m bench.generate                  # 3 documents × 40 sections, ≤200 versions, 5,000 comments …
    python -m bench.generate --quick          # a small one
    MONGODB_URI=mongodb://… python -m bench.generate --database udkast_bench

Without ``MONGODB_URI`` it starts a fresh embedded store in ``var/bench/docstore`` and leaves the
data there (serve it with ``DATA_DIR=var/bench DATABASE=udkast_bench python -m server serve``).
The database named by ``--database`` is dropped first.

Writes go straight through the repositories (bulk inserts for speed), with the same typed calls
the app makes: versions are built by the drafting service's own ``new_version``, sections,
documents and snapshots as the domain values the service functions that create them write, comments
with the layout of ``comments.service.add_comment``/``respond``, events through ``EventLog.append``.
``verify_shapes`` then writes one version, snapshot and comment through the real services and
checks that the generated documents have the same fields of the same types.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import shutil
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bson import ObjectId

from bench import text
from server import db as dbmod
from server import docstore, markdown
from server.accounts import passwords
from server.accounts.model import Actor, Role, User
from server.approvals import service as approvals_service
from server.approvals.model import ApprovalRound, Decision
from server.caller import Caller
from server.comments import service as comments_service
from server.comments.anchoring import TextQuote, selector_for
from server.comments.model import Comment, CommentStatus
from server.drafting import model as drafting_model
from server.drafting import service as drafting_service
from server.drafting.model import DocumentKind, Phase, Section
from server.events.model import Origin
from server.seed import seed
from server.store import Store, ensure_indexes
from server.validation import slugify

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "var" / "bench"
DATABASE = "udkast_bench"
PASSWORD = "udkast-bench-password"
SECRET_KEY = "udkast-bench-secret-key-0123456789abcdef"
CLIENT_ADDRESS = "127.0.0.1"

# The organisations that comment, in order; the first four are the steering group.
ORGANIZATIONS = [
    "kl",
    "danske-regioner",
    "sum",
    "sundhedsdatastyrelsen",
    "plo",
    "digitaliseringsstyrelsen",
    "region-hovedstaden",
    "region-midtjylland",
    "region-syddanmark",
    "region-nordjylland",
    "region-sjaelland",
]
STEERING_GROUP = ORGANIZATIONS[:4]
# (fraction of each section's history, label): the snapshots of every document; the last is the
# one sent for consultation, and most comments are on its versions.
SNAPSHOTS = [(0.3, "Udkast 1"), (0.6, "Udkast 2"), (0.85, "Høringsudkast")]
BATCH = 500


@dataclass(frozen=True)
class Sizes:
    documents: int = 3
    sections: int = 40
    max_versions: int = 200
    comments: int = 5000
    organizations: int = 8
    rounds: int = 20
    events: bool = True
    seed: int = 2017

    @classmethod
    def quick(cls) -> Sizes:
        return cls(documents=1, sections=8, max_versions=40, comments=300, rounds=4, events=False)


@dataclass
class SectionInfo:
    id: str
    key: str
    versions: int
    comments: int


@dataclass
class DocumentInfo:
    id: str
    slug: str
    sections: list[SectionInfo]
    snapshots: dict[str, str]  # label → id
    consultation_snapshot_id: str


@dataclass
class Dataset:
    database: str
    documents: list[DocumentInfo]
    rounds: list[str] = field(default_factory=list)
    open_round: dict[str, Any] | None = None  # for recording decisions: its id and who may decide
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class People:
    secretariat: User
    editors: list[User]  # the steering group's editors (and the secretariat)
    commenters: dict[ObjectId, list[User]]  # per organisation
    approvers: dict[ObjectId, User]  # per organisation
    organizations: list[Any]  # Organization, in ORGANIZATIONS order
    emails: dict[str, str]  # role label → email, for the load driver


# People


async def _people(store: Store, sizes: Sizes, now: datetime) -> People:
    await seed(store, now, demo=True, demo_password=PASSWORD)
    by_slug = {o.slug: o for o in await store.accounts.organizations()}
    organizations = [by_slug[s] for s in ORGANIZATIONS[: max(1, min(sizes.organizations, len(ORGANIZATIONS)))]]
    hashed = await passwords.hash_password(PASSWORD)
    users = {u.email: u for u in await store.accounts.users()}

    async def user(email: str, name: str, org_slug: str, roles: list[Role]) -> User:
        if email in users:
            return users[email]
        created = await store.accounts.create_user(
            email=email,
            name=name,
            organization_id=by_slug[org_slug].id,
            roles=roles,
            password_hash=hashed,
            at=now,
        )
        users[email] = created
        return created

    commenters: dict[ObjectId, list[User]] = {}
    approvers: dict[ObjectId, User] = {}
    first_names = ["Anne", "Bo", "Camilla", "Dorte", "Erik", "Freja", "Gustav", "Hanne", "Ib", "Jette", "Kim"]
    for i, org in enumerate(organizations):
        commenters[org.id] = [
            await user(
                f"hoering{n}@{org.slug}.bench.example",
                f"{first_names[(i + n) % len(first_names)]} Høringssvar {org.short_name}",
                org.slug,
                [Role.COMMENTER],
            )
            for n in (1, 2)
        ]
        approvers[org.id] = await user(
            f"godkender@{org.slug}.bench.example", f"Godkender {org.short_name}", org.slug, [Role.APPROVER]
        )
    for demo in ("kommentar@kl.example", "kommentar@regioner.example", "kommentar@plo.example"):
        found = users[demo]
        if found.organization_id in commenters:
            commenters[found.organization_id].append(found)
    editors = [
        users[e]
        for e in (
            "sekretariat@sundhedsdata.example",
            "styregruppe@sundhedsdata.example",
            "styregruppe@kl.example",
            "styregruppe@regioner.example",
            "styregruppe@sum.example",
        )
    ]
    return People(
        secretariat=users["sekretariat@sundhedsdata.example"],
        editors=editors,
        commenters=commenters,
        approvers=approvers,
        organizations=organizations,
        emails={
            "secretariat": "sekretariat@sundhedsdata.example",
            "editor": "styregruppe@kl.example",
            "commenter": "kommentar@kl.example",
            "approver": f"godkender@{organizations[0].slug}.bench.example",
        },
    )


def _caller(user: User, at: datetime) -> Caller:
    return Caller(Actor.of(user), CLIENT_ADDRESS, at)


def _origin(user: User) -> Origin:
    return Origin(user.id, user.organization_id, CLIENT_ADDRESS)


# Documents, sections, versions, snapshots


def version_counts(rng: random.Random, sections: int, max_versions: int) -> list[int]:
    """Skewed: a few sections are rewritten often, most a few dozen times; the first has the most."""
    counts = [max(1, round(max_versions * rng.random() ** 2)) for _ in range(sections)]
    if counts:
        counts[0] = max_versions
    return counts


def comment_counts(rng: random.Random, total: int, sections: int) -> list[int]:
    """``total`` comments over ``sections``, heavy-tailed like real consultations."""
    weights = [rng.lognormvariate(0, 0.8) for _ in range(sections)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(sections), k=min(sections, total - sum(counts))):
        counts[i] += 1
    return counts


@dataclass
class _Built:
    info: DocumentInfo
    document: drafting_model.Document
    sections: list[Section]
    bodies: dict[tuple[ObjectId, int], str]  # (section, version) → body, for the versions comments are on
    snapshot_versions: list[dict[ObjectId, int]]  # per SNAPSHOTS entry
    head_versions: dict[ObjectId, int]


async def build_document(
    store: Store,
    people: People,
    rng: random.Random,
    *,
    index: int,
    versions: Sequence[int],
    comments: Sequence[int],
    start: datetime,
    events: bool,
) -> _Built:
    """One document with ``len(versions)`` sections, their histories, snapshots and comments."""
    participants = sorted(o.id for o in people.organizations)
    document = await store.drafting.insert_document(
        drafting_model.Document(
            id=ObjectId(),
            slug=f"bench-strategi-{index + 1}",
            title=f"Strategi for digital sundhed 2018-2022 — arbejdsudkast {index + 1}",
            kind=DocumentKind.STRATEGY,
            phase=Phase.CONSULTATION,
            summary=text.paragraph(rng, 1, 2),
            participant_ids=tuple(participants),
            milestones=(),
            settings=drafting_model.DocumentSettings(),
            approved_snapshot_id=None,
            created_at=start,
            updated_at=start,
        )
    )
    drafting_window = timedelta(days=90)
    new_versions: list[drafting_model.SectionVersion] = []
    sections: list[Section] = []
    keep: dict[tuple[ObjectId, int], str] = {}
    snapshot_versions: list[dict[ObjectId, int]] = [{} for _ in SNAPSHOTS]
    titles: dict[tuple[ObjectId, int], str] = {}
    saved_events: list[tuple[User, datetime, dict[str, Any], ObjectId]] = []
    for position, count in enumerate(versions):
        section_id = ObjectId()
        title = text.section_title(position)
        key = slugify(title)
        head = Section(
            id=section_id,
            document_id=document.id,
            key=key,
            position=position,
            title=title,
            body="",
            html="",
            version=0,
            updated_at=start,
            updated_by=None,
            deleted=False,
        )
        frozen = [max(1, math.ceil(fraction * count)) for fraction, _ in SNAPSHOTS]
        for s, number in enumerate(frozen):
            snapshot_versions[s][section_id] = number
        body = text.section_body(rng)
        last: drafting_model.SectionVersion | None = None
        author = people.editors[0]
        for number in range(1, count + 1):
            if number > 1:
                body = text.next_version(rng, body)
                if rng.random() < 0.02:
                    title = f"{text.section_title(position)}{rng.choice(['', ' og perspektiver', ' — status'])}"
            at = start + drafting_window * (number / (count + 1)) + timedelta(minutes=position)
            author = rng.choice(people.editors)
            last = drafting_service.new_version(
                head,
                number,
                title,
                body,
                _caller(author, at),
                "Første udkast" if number == 1 else text.summary(rng),
                html=markdown.render(body),
                base_version=None if number == 1 else number - 1,
                merged=number > 1 and rng.random() < 0.05,
            )
            new_versions.append(last)
            if number in frozen or number == count:
                keep[(section_id, number)] = body
                titles[(section_id, number)] = title
            if events and number > 1:
                saved_events.append(
                    (
                        author,
                        at,
                        {"version": number, "base_version": number - 1, "merged": False, "title": title},
                        section_id,
                    )
                )
        assert last is not None
        sections.append(
            Section(
                id=section_id,
                document_id=document.id,
                key=key,
                position=position,
                title=last.title,
                body=last.body,
                html=last.html,
                version=count,
                updated_at=last.created_at,
                updated_by=author.id,
                deleted=False,
            )
        )
    # In the order they were written, as in a store that grew over months (it matters on the
    # embedded store, which scans collections in insertion order).
    new_versions.sort(key=lambda v: v.created_at)
    saved_events.sort(key=lambda e: e[1])
    await store.drafting.insert_versions(new_versions, batch=BATCH)
    for section in sections:
        await store.drafting.insert_section(section)

    snapshot_ids: dict[str, str] = {}
    for s, (fraction, label) in enumerate(SNAPSHOTS):
        at = start + drafting_window * fraction + timedelta(hours=1)
        pairs = [(sec.id, snapshot_versions[s][sec.id]) for sec in sections]
        snapshot = await store.drafting.insert_snapshot(
            drafting_model.Snapshot(
                id=ObjectId(),
                document_id=document.id,
                number=s + 1,
                label=label,
                entries=tuple(
                    drafting_model.SnapshotEntry(sec.id, n, sec.key, titles[(sec.id, n)])
                    for sec, (_, n) in zip(sections, pairs, strict=True)
                ),
                fingerprint=drafting_model.fingerprint(
                    [(sec.key, titles[p], keep[p]) for sec, p in zip(sections, pairs, strict=True)]
                ),
                created_at=at,
                created_by=people.secretariat.id,
            )
        )
        snapshot_ids[label] = str(snapshot.id)
        if events:
            await store.events.append(
                "snapshot.created",
                _origin(people.secretariat),
                at,
                document_id=document.id,
                entity=("Snapshot", snapshot.id),
                data={"number": snapshot.number, "label": label},
            )
    if events:
        for author, at, data, section_id in saved_events:
            await store.events.append(
                "section.saved", _origin(author), at, document_id=document.id, entity=("Section", section_id), data=data
            )

    built = _Built(
        info=DocumentInfo(
            id=str(document.id),
            slug=document.slug,
            sections=[
                SectionInfo(str(s.id), s.key, n, c) for s, n, c in zip(sections, versions, comments, strict=True)
            ],
            snapshots=snapshot_ids,
            consultation_snapshot_id=snapshot_ids[SNAPSHOTS[-1][1]],
        ),
        document=document,
        sections=sections,
        bodies=keep,
        snapshot_versions=snapshot_versions,
        head_versions={s.id: s.version for s in sections},
    )
    await _comment_on(store, people, rng, built, comments, start + drafting_window, events=events)
    return built


# Comments


def comment_fields(
    *,
    document_id: ObjectId,
    section_id: ObjectId,
    version: int,
    parent_id: ObjectId | None,
    author: User,
    body: str,
    anchor: TextQuote | None,
    proposed_text: str | None,
    draft: bool,
    at: datetime,
) -> Comment:
    """The comment ``comments.service.add_comment`` writes."""
    return comments_service.new_comment(
        document_id=document_id,
        section_id=section_id,
        version=version,
        parent_id=parent_id,
        author_id=author.id,
        organization_id=author.organization_id,
        body=body,
        html=markdown.render(body),
        anchor=anchor,
        proposed_text=proposed_text,
        draft=draft,
        at=at,
    )


def responded(comment: Comment, status: CommentStatus, response: str, by: User, at: datetime) -> Comment:
    """What ``comments.service.respond`` sets on a comment."""
    return replace(
        comment,
        status=status,
        response=response,
        response_html=markdown.render(response),
        responded_by=by.id,
        responded_at=at,
        updated_at=at,
    )


_SENTENCE = re.compile(r"[^.!?\n]{40,300}[.!?]")
_DISPOSITIONS = [
    CommentStatus.ACCEPTED,
    CommentStatus.PARTLY_ACCEPTED,
    CommentStatus.REJECTED,
    CommentStatus.NOTED,
]


async def _comment_on(
    store: Store,
    people: People,
    rng: random.Random,
    built: _Built,
    counts: Sequence[int],
    opens: datetime,
    *,
    events: bool,
) -> None:
    """Comments in threads, drafts and dispositions; most on the consultation snapshot's versions."""
    plain: dict[tuple[ObjectId, int], str] = {}
    docs: list[Comment] = []
    answered: list[tuple[Comment, User]] = []
    organizations = people.organizations
    org_weights = [3.0 if o.slug in STEERING_GROUP else 1.5 for o in organizations]
    window = timedelta(days=21)
    for section, count in zip(built.sections, counts, strict=True):
        starters: list[Comment] = []
        n_starters = max(1, math.ceil(count * 0.75)) if count else 0
        for i in range(count):
            at = opens + window * rng.random()
            if i < n_starters:
                org = rng.choices(organizations, org_weights)[0]
                author = rng.choice(people.commenters[org.id])
                pick = rng.random()
                snapshot = 2 if pick < 0.7 else 1 if pick < 0.9 else None
                version = built.snapshot_versions[snapshot][section.id] if snapshot is not None else section.version
                anchor = None
                proposed = None
                if rng.random() < 0.5:
                    key = (section.id, version)
                    if key not in plain:
                        plain[key] = markdown.plain_text(built.bodies[key])
                    matches = list(_SENTENCE.finditer(plain[key]))
                    if matches:
                        m = rng.choice(matches)
                        anchor = selector_for(plain[key], m.start(), m.end())
                        if rng.random() < 0.35:
                            proposed = text.proposal(rng)
                draft = rng.random() < 0.05
                doc = comment_fields(
                    document_id=built.document.id,
                    section_id=section.id,
                    version=version,
                    parent_id=None,
                    author=author,
                    body=text.remark(rng, org.short_name),
                    anchor=anchor,
                    proposed_text=proposed,
                    draft=draft,
                    at=at,
                )
                if not draft and rng.random() < 0.6:
                    by = rng.choice(people.editors)
                    doc = responded(
                        doc, rng.choice(_DISPOSITIONS), text.response(rng), by, at + timedelta(days=rng.randint(1, 10))
                    )
                    answered.append((doc, by))
                starters.append(doc)
                docs.append(doc)
            else:
                parent = rng.choice(starters)
                steering = rng.random() < 0.5
                if steering:
                    author = rng.choice(people.editors)
                else:
                    author = rng.choice(people.commenters[parent.organization_id])
                reply = comment_fields(
                    document_id=built.document.id,
                    section_id=section.id,
                    version=parent.section_version,
                    parent_id=parent.id,
                    author=author,
                    body=text.reply(rng),
                    anchor=None,
                    proposed_text=None,
                    draft=not steering and not parent.submitted,
                    at=max(at, parent.created_at + timedelta(hours=1)),
                )
                docs.append(reply)
    docs.sort(key=lambda d: d.created_at)
    await store.comments.insert_many(docs, batch=BATCH)
    if events:
        for doc in docs:
            await store.events.append(
                "comment.added",
                Origin(doc.author_id, doc.organization_id, CLIENT_ADDRESS),
                doc.created_at,
                document_id=doc.document_id,
                entity=("Comment", doc.id),
                data={
                    "section_id": doc.section_id,
                    "version": doc.section_version,
                    "kind": doc.kind.value,
                    "reply": doc.parent_id is not None,
                    "draft": not doc.submitted,
                },
                audience_organization_id=None if doc.submitted else doc.organization_id,
            )
        for doc, by in answered:
            await store.events.append(
                "comment.answered",
                _origin(by),
                doc.responded_at or doc.created_at,
                document_id=doc.document_id,
                entity=("Comment", doc.id),
                data={"section_id": doc.section_id, "version": doc.section_version, "status": doc.status.value},
            )


# Approval rounds


async def build_rounds(
    store: Store, people: People, rng: random.Random, built: list[_Built], count: int, now: datetime
) -> tuple[list[str], dict[str, Any] | None]:
    """Approval rounds (skriftlig proces) through the approvals service, with their decisions.

    Earlier rounds close NOT_APPROVED (a party objects) or are withdrawn, so the documents stay
    open for editing; the last round of each document stays open with one party still to decide,
    so the benchmark can record decisions on it. Returns the round ids and the open round of the
    first document (its id and the approvers that may decide).
    """
    if count <= 0 or not built:
        return [], None
    parties = [o for o in people.organizations if o.slug in (*STEERING_GROUP, "plo")]
    secretariat = people.secretariat
    round_ids: list[str] = []
    open_round: dict[str, Any] | None = None
    per_document = [count // len(built) + (1 if i < count % len(built) else 0) for i in range(len(built))]
    for b, rounds in zip(built, per_document, strict=True):
        snapshots = list(b.info.snapshots.values())
        for r in range(rounds):
            last = r == rounds - 1
            at = now - timedelta(days=2) if last else now - timedelta(days=35 - r)
            snapshot_id = ObjectId(snapshots[min(len(snapshots) - 1, 1 + r % 2)])
            title = f"Skriftlig proces {r + 1}: {b.document.title}"
            round = await approvals_service.open_round(
                store,
                _caller(secretariat, at),
                snapshot_id,
                title,
                at + timedelta(days=16 if last else 7),
                [o.id for o in parties],
                rng.random() < 0.3,
            )
            if not isinstance(round, ApprovalRound):
                raise RuntimeError(f"open_round refused: {round}")
            round_ids.append(str(round.id))
            deciders = parties[:2] if last else parties
            withdraw = not last and rng.random() < 0.25
            for k, org in enumerate(deciders):
                when = at + timedelta(hours=4 * (k + 1))
                approver = people.approvers[org.id]
                if rng.random() < 0.3:
                    await approvals_service.mark_awaiting_board(
                        store, _caller(approver, when), round.id, org.id, True, "Behandles på bestyrelsesmøde"
                    )
                if withdraw and k == len(deciders) - 1:
                    break
                objects = not last and k == len(deciders) - 1
                decision = Decision.OBJECT if objects else rng.choice([Decision.APPROVE, Decision.APPROVE_WITH_REMARKS])
                remarks = text.remark(rng, org.short_name) if decision != Decision.APPROVE else ""
                result = await approvals_service.record_decision(
                    store,
                    _caller(approver, when + timedelta(hours=1)),
                    round.id,
                    org.id,
                    decision,
                    remarks,
                    f"Behandlet i {org.short_name}s direktion",
                )
                if not isinstance(result, ApprovalRound):
                    raise RuntimeError(f"record_decision refused: {result}")
            if withdraw:
                await approvals_service.withdraw_round(
                    store, _caller(secretariat, at + timedelta(days=1)), round.id, "Trukket tilbage efter drøftelse"
                )
            if last and b is built[0]:
                undecided = parties[2:]
                open_round = {
                    "id": str(round.id),
                    "deciders": [
                        {"email": people.approvers[o.id].email, "organization_id": str(o.id)} for o in parties[:-1]
                    ],
                    "undecided": [o.slug for o in undecided],
                }
    return round_ids, open_round


# Shapes


_IGNORED_TYPES = (type(None),)


def _shape(doc: dict[str, Any]) -> dict[str, str]:
    def kind(value: Any) -> str:
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float):
            return "number"
        if isinstance(value, list):
            return "list"
        if isinstance(value, dict):
            return "dict:" + ",".join(sorted(value))
        return type(value).__name__

    return {k: kind(v) for k, v in doc.items()}


def _compare(what: str, generated: dict[str, Any], written: dict[str, Any]) -> list[str]:
    """Differences in field names, and in types where both values are set."""
    ours, theirs = _shape(generated), _shape(written)
    problems = []
    if set(ours) != set(theirs):
        problems.append(
            f"{what}: fields differ: only generated {sorted(set(ours) - set(theirs))}, "
            f"only app {sorted(set(theirs) - set(ours))}"
        )
    for k in set(ours) & set(theirs):
        if (
            "NoneType" not in (ours[k], theirs[k])
            and ours[k] != theirs[k]
            and not (ours[k].startswith("dict") and theirs[k].startswith("dict"))
        ):
            problems.append(f"{what}.{k}: generated {ours[k]}, app {theirs[k]}")
    return problems


async def verify_shapes(store: Store, people: People, built: _Built) -> list[str]:
    """Write one version, snapshot and comment through the real services; compare with generated ones."""
    db = store.db
    section = built.sections[-1]
    editor = people.editors[1]
    now = datetime.now(UTC)
    problems: list[str] = []
    current = await store.drafting.section(section.id)
    assert current is not None
    saved = await drafting_service.save_section(
        store, _caller(editor, now), section.id, current.version, current.title, current.body + "\nSkemakontrol.\n", ""
    )
    if not isinstance(saved, drafting_service.Saved):
        return [f"save_section refused: {saved}"]
    app_version = await db["section_versions"].find_one({"_id": saved.version.id})
    generated_version = await db["section_versions"].find_one({"section_id": section.id, "number": 2})
    generated_version = generated_version or await db["section_versions"].find_one({"section_id": section.id})
    problems += _compare("section_versions", generated_version or {}, app_version or {})
    problems += _compare(
        "sections",
        await db["sections"].find_one({"_id": built.sections[0].id}) or {},
        await db["sections"].find_one({"_id": section.id}) or {},
    )
    snapshot = await drafting_service.create_snapshot(
        store, _caller(people.secretariat, now), built.document.id, "Skemakontrol"
    )
    if isinstance(snapshot, drafting_model.Snapshot):
        app_snapshot = await db["snapshots"].find_one({"_id": snapshot.id})
        generated_snapshot = await db["snapshots"].find_one({"document_id": built.document.id, "number": 1})
        problems += _compare("snapshots", generated_snapshot or {}, app_snapshot or {})
    else:
        problems.append(f"create_snapshot refused: {snapshot}")
    commenter = people.commenters[people.organizations[0].id][0]
    plain_head = markdown.plain_text(saved.version.body)
    match = _SENTENCE.search(plain_head)
    anchor = selector_for(plain_head, match.start(), match.end()) if match else None
    added = await comments_service.add_comment(
        store,
        _caller(commenter, now),
        section.id,
        saved.version.number,
        "Skemakontrol af kommentarer.",
        anchor,
        None,
        None,
        reply=False,
    )
    if isinstance(added, comments_service.Added):
        comment = added.comment
        app_comment = await db["comments"].find_one({"_id": comment.id})
        generated_comment = await db["comments"].find_one({"document_id": built.document.id, "anchor": {"$ne": None}})
        problems += _compare("comments", generated_comment or {}, app_comment or {})
        await db["comments"].delete_one({"_id": comment.id})  # keep the dataset's counts as generated
    else:
        problems.append(f"add_comment refused: {added}")
    return problems


# The whole dataset


async def counts(store: Store) -> dict[str, int]:
    names = [
        "documents",
        "sections",
        "section_versions",
        "snapshots",
        "comments",
        "events",
        "users",
        "approval_rounds",
        "approval_entries",
    ]
    existing = set(await store.db.list_collection_names())
    return {n: await store.db[n].count_documents({}) for n in names if n in existing}


@contextlib.asynccontextmanager
async def _fresh_store(uri: str, database: str) -> AsyncIterator[Store]:
    """``database`` dropped and made again with the app's indexes, as a store."""
    client = dbmod.connect(uri, timeout_ms=10_000)
    try:
        await client.drop_database(database)
        db = client[database]
        await ensure_indexes(db)
        yield Store.open(db, SECRET_KEY)
    finally:
        await client.close()


async def generate(uri: str, database: str, sizes: Sizes, *, log: Any = print) -> Dataset:
    """Drop ``database`` and build the dataset of ``sizes`` in it."""
    started = time.monotonic()
    async with _fresh_store(uri, database) as store:
        rng = random.Random(sizes.seed)
        now = datetime.now(UTC).replace(microsecond=0)
        start = now - timedelta(days=150)
        people = await _people(store, sizes, start)
        per_document = [sizes.comments // sizes.documents] * sizes.documents
        per_document[0] += sizes.comments - sum(per_document)
        built: list[_Built] = []
        for index in range(sizes.documents):
            versions = version_counts(rng, sizes.sections, sizes.max_versions)
            comments = comment_counts(rng, per_document[index], sizes.sections)
            built.append(
                await build_document(
                    store,
                    people,
                    rng,
                    index=index,
                    versions=versions,
                    comments=comments,
                    start=start + timedelta(days=index),
                    events=sizes.events,
                )
            )
            log(f"  document {index + 1}/{sizes.documents}: {sum(versions)} versions, {sum(comments)} comments")
        problems = await verify_shapes(store, people, built[0])
        if problems:
            raise RuntimeError("generated documents differ from what the app writes:\n  " + "\n  ".join(problems))
        await comments_service.check_open_counts(store, repair=True)  # comments were inserted in bulk
        rounds, open_round = await build_rounds(store, people, rng, built, sizes.rounds, now)
        dataset = Dataset(database=database, documents=[b.info for b in built], rounds=rounds, open_round=open_round)
        dataset.counts = await counts(store)
        dataset.seconds = round(time.monotonic() - started, 1)
        return dataset


async def generate_growth(uri: str, database: str, *, sections: int, comments: int, versions: int) -> Dataset:
    """One document whose every section has exactly ``comments`` comments and ``versions`` versions."""
    started = time.monotonic()
    async with _fresh_store(uri, database) as store:
        rng = random.Random(comments * 7919 + versions)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=150)
        people = await _people(store, Sizes(), start)
        built = await build_document(
            store,
            people,
            rng,
            index=0,
            versions=[versions] * sections,
            comments=[comments] * sections,
            start=start,
            events=False,
        )
        await comments_service.check_open_counts(store, repair=True)  # comments were inserted in bulk
        dataset = Dataset(database=database, documents=[built.info])
        dataset.counts = await counts(store)
        dataset.seconds = round(time.monotonic() - started, 1)
        return dataset


def main(argv: list[str] | None = None) -> int:
    defaults = Sizes()
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small dataset")
    parser.add_argument("--documents", type=int)
    parser.add_argument("--sections", type=int, help=f"per document (default {defaults.sections})")
    parser.add_argument("--max-versions", type=int, help=f"per section (default {defaults.max_versions})")
    parser.add_argument("--comments", type=int, help=f"in all (default {defaults.comments})")
    parser.add_argument("--organizations", type=int, help=f"that comment (default {defaults.organizations})")
    parser.add_argument("--rounds", type=int, help=f"approval rounds (default {defaults.rounds})")
    parser.add_argument("--no-events", action="store_true", help="skip the event log entries")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="for the embedded store")
    args = parser.parse_args(argv)
    sizes = sizes_from(args)
    uri = os.environ.get("MONGODB_URI")
    store_process = None
    if not uri:
        target = args.data_dir / "docstore"
        if target.exists():
            shutil.rmtree(target)
        store_process = docstore.start(target)
        uri = store_process.uri
    try:
        dataset = asyncio.run(generate(uri, args.database, sizes))
    finally:
        if store_process:
            store_process.stop()
    print(f"Built {args.database} in {dataset.seconds} s: {dataset.counts}")
    for note in dataset.notes:
        print(f"note: {note}")
    if store_process:
        print(
            f"Serve it: DATA_DIR={args.data_dir} DATABASE={args.database} SECRET_KEY={SECRET_KEY} "
            "python -m server serve"
        )
        print(f"Sign in as sekretariat@sundhedsdata.example / {PASSWORD}")
    return 0


def sizes_from(args: argparse.Namespace) -> Sizes:
    base = Sizes.quick() if getattr(args, "quick", False) else Sizes()
    changes = {
        name: getattr(args, name)
        for name in ("documents", "sections", "max_versions", "comments", "organizations", "rounds")
        if getattr(args, name, None) is not None
    }
    if getattr(args, "no_events", False):
        changes["events"] = False
    return Sizes(**{**asdict(base), **changes})


if __name__ == "__main__":
    raise SystemExit(main())
