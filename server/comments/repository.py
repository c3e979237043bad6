"""Comments in the store.

A comment is one document. Edits keep the earlier wording in its ``edits`` array; deleting only
marks it deleted. Changes that depend on the comment's state (edit while open, submit a draft,
link the version that took a proposal in) are conditional updates, so two requests cannot both
win.

Each section's open-comment counts are kept in ``comment_counts`` and the reader's markers
(``model.Marker``: one small entry per live thread-starting comment) in ``comment_markers`` (one
document per section in each, read by ``_id``), so that opening a document reads none of its
comments: the embedded store decodes every document it returns, and a document's comments grow
without bound. (Apart, so that the outline, which shows counts, does not decode the markers.)
A section's markers are kept packed, as one BSON binary value: the embedded store decodes a
stored document value by value in Go (~6 µs per value, a marker has 14), so reading the 1,668
markers of a document's 40 sections cost it 134 ms of CPU as subdocuments and costs 22 ms packed.
Its counts are packed too (the outline's 40 sections: 3.4 ms of store CPU as subdocuments,
1.35 ms as one BSON value), each 17 bytes (``model.OpenCounts``) so that the outline judges them
without unpacking them (BSON: ~1.1 ms of the app's CPU for the outline's 245); counts kept as
subdocuments or BSON before are read as they are.
Each section's thread keys (``model.ThreadKeys``: id, organisation, submitted; 25 bytes a thread)
are kept in ``comment_thread_keys``, one document per section: the comments panel chooses a page of
threads from them without the markers (750 markers took ~8 ms of the app's CPU to decode, and the
embedded store decodes a whole document whatever the projection: ~2.5 ms for a markers document of
750, when the keys were kept in it).
The reader does not place the markers either: it reads them placed in the text it shows and
summed by what visibility depends on (``model.Placed``, in ``comment_placements``), made by the
first reader of a version of the text once the markers changed; the counts keep the stamp of the
markers kept with them, which tells a placement made from other markers (``reader_views``).
Every write here that can change them recounts the section; see ``recount`` for why the result is
right when writers race. They are derived data: ``check --repair`` derives them again from the
comments.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import struct
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import bson
from bson import Binary, ObjectId
from pymongo import ASCENDING, IndexModel
from pymongo.errors import DuplicateKeyError

from server import claims
from server.comments.anchoring import TextQuote
from server.comments.model import (
    Comment,
    CommentEdit,
    CommentKind,
    CommentStatus,
    Marker,
    MarkGroup,
    OpenCount,
    OpenCounts,
    Placed,
    PlacedPassage,
    ThreadKeys,
    marker_of,
)
from server.consultations.model import PartyComment
from server.db import LIST_BATCH, Database
from server.stored import from_stored, to_stored

log = logging.getLogger(__name__)

INDEXES = {
    # Every change of a comment claims (comment, revision) by inserting {_id: "<comment>:<revision>"}:
    # the unique _id lets exactly one of several simultaneous changes build on a given state.
    "comment_edit_claims": [],
    # {_id: section, open: model.OpenCounts.packed, markers: stamp} (before: packed, BSON of {counts:
    # [{organization_id, submitted, count}]}; before that the counts as subdocuments; both still read):
    # derived from comments, see recount.
    "comment_counts": [],
    # {_id: section, packed: BSON of {markers: [{id, kind, status, anchor, …}]}}: derived from
    # comments, see recount. (Before, the thread keys too, as ``threads``: left there, not read.)
    "comment_markers": [],
    # {_id: section, keys: the markers' ThreadKeys.packed}: derived from comments, see recount.
    "comment_thread_keys": [],
    # {_id: section, views: [{version, stamp, packed: BSON of model.Placed, its form}], at most two}: the
    # markers placed in a version of the section's text, made by readers from the markers stamped ``stamp``.
    "comment_placements": [],
    # The same, of the open proposals among them (``model.Placed.proposals``): read apart, after the rest.
    "comment_placed_proposals": [],
    # {_id: "consultation_stamp"}: once there, every comment carries its consultation (``stamp_older``).
    "comment_migrations": [],
    "comments": [
        IndexModel([("section_id", ASCENDING), ("created_at", ASCENDING)], name="comments_section_created"),
        IndexModel(
            [("document_id", ASCENDING), ("organization_id", ASCENDING), ("submitted", ASCENDING)],
            name="comments_document_organization_submitted",
        ),
        IndexModel([("parent_id", ASCENDING)], name="comments_parent"),
        IndexModel([("consultation_id", ASCENDING)], name="comments_consultation"),
    ],
}


def _count_order(count: OpenCount) -> tuple[bytes, bool]:
    return count.organization_id.binary, count.submitted


def _marker_order(marker: Marker) -> bytes:
    return marker.id.binary


def _counted(comment: Comment) -> bool:
    """Whether a comment counts as open: an open thread-starting comment, not deleted (``_OPEN``)."""
    return comment.parent_id is None and not comment.deleted and comment.status == CommentStatus.OPEN


def _comment(doc: Mapping[str, Any]) -> Comment:
    return from_stored(
        Comment,
        doc,
        absent={"in_response": _sent_before_the_flag(doc)},
        anchor=_anchor(doc.get("anchor")),
        edits=tuple(from_stored(CommentEdit, e, draft=_replaced_draft(e, doc)) for e in doc.get("edits", [])),
    )


def _sent_before_the_flag(doc: Mapping[str, Any]) -> bool:
    """Whether a comment stored before ``in_response`` existed was sent as a draft of its
    organisation: a draft is submitted after it was written, a direct comment as it is written."""
    submitted_at = doc.get("submitted_at")
    return bool(doc.get("submitted")) and submitted_at is not None and submitted_at > doc["created_at"]


def _anchor(doc: Mapping[str, str] | None) -> TextQuote | None:
    return from_stored(TextQuote, doc) if doc else None


def _anchor_doc(quote: TextQuote | None) -> dict[str, str] | None:
    return to_stored(quote) if quote else None


def _comment_doc(c: Comment) -> dict[str, Any]:
    doc = to_stored(c, anchor=_anchor_doc(c.anchor), edits=[to_stored(e) for e in c.edits])
    if not c.revision:  # a new comment has none yet: its first change claims revision 0 (server/claims.py)
        del doc["revision"]
    return doc


_LIVE = {"deleted": False}
_OPEN = {"deleted": False, "status": CommentStatus.OPEN.value}
_UNSENT = {**_LIVE, "in_response": {"$ne": True}}
_EDITABLE = {**_OPEN, "in_response": {"$ne": True}}  # not sent, and not answered
_RECOUNT_ATTEMPTS = 20
_STAMPED = "consultation_stamp"  # comment_migrations: every comment carries its consultation


# What is kept per section: its open counts and its markers (sorted by comment id).
Kept = tuple[list[OpenCount], list[Marker]]
# The fields of a comment that the counts and markers are derived from.
_DERIVED_FROM = {
    name: 1
    for name in (
        "section_id",
        "section_version",
        "author_id",
        "organization_id",
        "kind",
        "status",
        "submitted",
        "in_response",
        "anchor",
        "proposed_text",
        "applied_version",
        "submitted_at",
        "created_at",
        "consultation_id",
    )
}


def _count_fields(counts: Sequence[OpenCount], stamp: Binary) -> dict[str, Any]:
    """A section's open counts as kept: one binary value (``model.OpenCounts``; see the module's
    docstring), with the stamp of the markers kept with them."""
    return {"open": Binary(OpenCounts.of(counts).packed), "markers": stamp}


def _stored_counts(doc: Mapping[str, Any]) -> OpenCounts:
    """The counts kept in ``doc``; kept before as one BSON value or as subdocuments, as they stand."""
    if "open" in doc:
        return OpenCounts(bytes(doc["open"]))
    kept = bson.decode(doc["packed"])["counts"] if "packed" in doc else doc.get("counts", [])
    return OpenCounts.of(OpenCount(c["organization_id"], c["submitted"], int(c["count"])) for c in kept)


def _marker_fields(m: Marker) -> dict[str, Any]:
    return {
        "id": m.id,
        "section_version": m.section_version,
        "author_id": m.author_id,
        "organization_id": m.organization_id,
        "kind": m.kind.value,
        "status": m.status.value,
        "submitted": m.submitted,
        "in_response": m.in_response,
        "anchor": _anchor_doc(m.anchor),
        "proposed_text": m.proposed_text,
        "applied_version": m.applied_version,
        "consultation_id": m.consultation_id,
    }


def _packed(markers: Sequence[Marker]) -> dict[str, Any]:
    """A section's markers as kept: one binary value (see the module's docstring)."""
    return {"packed": Binary(bson.encode({"markers": [_marker_fields(m) for m in markers]}))}


def _stamp(packed: bytes) -> Binary:
    """What tells one state of a section's markers from another (kept with its counts, see ``reader_views``)."""
    return Binary(hashlib.blake2b(packed, digest_size=16).digest())


def _key_fields(markers: Sequence[Marker]) -> dict[str, Any]:
    """A section's thread keys as kept: the keys of its markers, packed (``model.ThreadKeys``)."""
    return {"keys": Binary(ThreadKeys.of(markers).packed)}


def _stored_keys(doc: Mapping[str, Any]) -> ThreadKeys:
    return ThreadKeys(bytes(doc["keys"]))


# A reader unpacks thousands of markers: a dict lookup is ten times quicker than an Enum's call.
_KINDS = {kind.value: kind for kind in CommentKind}
_STATUSES = {status.value: status for status in CommentStatus}
_PROPOSAL = CommentKind.PROPOSAL.value


def _unpacked(section_id: ObjectId, doc: Mapping[str, Any]) -> list[Marker] | None:
    """The markers kept in ``doc``; None when it is of a shape before they were packed, or before
    they carried their comment's consultation (without it a party would read an unpublished
    disposition): never kept, as far as readers go."""
    if "packed" not in doc:
        return None
    kept = bson.decode(doc["packed"])["markers"]
    # Kept before a proposal's marker kept its text once dispositioned (``model.held_open``), or its consultation.
    if any("consultation_id" not in m or (m["kind"] == _PROPOSAL and m["proposed_text"] is None) for m in kept):
        return None
    return [_marker_from(section_id, m) for m in kept]


def _marker_from(section_id: ObjectId, m: Mapping[str, Any]) -> Marker:
    return Marker(
        id=m["id"],
        section_id=section_id,
        section_version=int(m["section_version"]),
        author_id=m["author_id"],
        organization_id=m["organization_id"],
        kind=_KINDS[m["kind"]],
        status=_STATUSES[m["status"]],
        submitted=m["submitted"],
        in_response=m["in_response"],
        anchor=_anchor(m["anchor"]),
        proposed_text=m["proposed_text"],
        applied_version=m["applied_version"],
        consultation_id=m["consultation_id"],
    )


# A MarkGroup as kept: organisation, submitted, consultation (zeros: none), count, proposals, held, first.
_GROUP = struct.Struct(">12s?12sIII12s")
_NO_CONSULTATION = bytes(12)
_PLACED_FORM = 2  # placements kept before (without it) grouped no consultations: placed again


def _group_fields(groups: Sequence[MarkGroup]) -> Binary:
    return Binary(
        b"".join(
            _GROUP.pack(
                g.organization_id.binary,
                g.submitted,
                g.consultation_id.binary if g.consultation_id else _NO_CONSULTATION,
                g.count,
                g.proposals,
                g.held,
                g.first.binary,
            )
            for g in groups
        )
    )


def _groups(kept: bytes) -> tuple[MarkGroup, ...]:
    return tuple(
        MarkGroup(
            ObjectId(org),
            submitted,
            None if consultation == _NO_CONSULTATION else ObjectId(consultation),
            count,
            proposals,
            held,
            ObjectId(first),
        )
        for org, submitted, consultation, count, proposals, held, first in _GROUP.iter_unpack(kept)
    )


def _placed_fields(placed: Placed) -> bytes:
    """A section's markers placed in one version, as kept: one binary value (see the module's docstring), its
    open proposals apart (``keep_reader_view``)."""
    return bson.encode(
        {
            "form": _PLACED_FORM,
            "section": _group_fields(placed.section),
            "passages": [[p.start, p.end, _group_fields(p.groups)] for p in placed.passages],
            "outdated": [_marker_fields(m) for m in placed.outdated],
        }
    )


def _placed(section_id: ObjectId, version: int, packed: bytes) -> Placed | None:
    kept = bson.decode(packed)
    if kept.get("form") != _PLACED_FORM:
        return None
    return Placed(
        version=version,
        section=_groups(kept["section"]),
        passages=tuple(PlacedPassage(int(p[0]), int(p[1]), _groups(p[2])) for p in kept["passages"]),
        outdated=tuple(_marker_from(section_id, m) for m in kept["outdated"]),
        proposals=(),
    )


def _proposals(section_id: ObjectId, packed: bytes) -> tuple[Marker, ...] | None:
    kept = bson.decode(packed)
    if kept.get("form") != _PLACED_FORM:  # without the dispositioned proposals a withheld reader sees open
        return None
    return tuple(_marker_from(section_id, m) for m in kept["proposals"])


def _checked(
    doc: Mapping[str, Any], keys: Mapping[str, Any] | None, counts: Mapping[str, Any] | None
) -> list[Marker] | None:
    """The markers kept in ``doc`` when the thread keys kept (``keys``) are theirs and the stamp kept with the
    counts (``counts``) is theirs or not yet kept (None otherwise: kept wrong, or never kept), for ``check``.
    A stamp of other markers (a crash between the markers' store and the counts') would have readers trust
    placements made from those (``reader_views``); a counts document without one is counted again on read."""
    markers = _unpacked(doc["_id"], doc)
    if markers is None or keys is None or _stored_keys(keys) != ThreadKeys.of(markers):
        return None
    if counts is not None and "markers" in counts and bytes(counts["markers"]) != bytes(_stamp(doc["packed"])):
        return None
    return markers


def _derived_comment(doc: Mapping[str, Any]) -> Comment:
    """A comment as far as ``_DERIVED_FROM`` reads it: enough for its count and its marker."""
    return _comment({"document_id": None, "body": "", "html": "", "updated_at": doc["created_at"], **doc})


def _replaced_draft(edit: Mapping[str, Any], comment: Mapping[str, Any]) -> bool:
    """Whether an edit replaced a draft wording (edits stored before the flag: by their time)."""
    if "draft" in edit:
        return bool(edit["draft"])
    submitted_at = comment.get("submitted_at")
    return submitted_at is None or edit["at"] < submitted_at


class Comments:
    def __init__(self, db: Database) -> None:
        self._comments = db["comments"]
        self._claims = db["comment_edit_claims"]
        self._counts = db["comment_counts"]
        self._markers = db["comment_markers"]
        self._keys = db["comment_thread_keys"]
        self._migrations = db["comment_migrations"]
        self._placements = db["comment_placements"]
        self._proposals = db["comment_placed_proposals"]

    async def insert(self, comment: Comment) -> Kept | None:
        """Write a new comment; returns its section's open counts and markers as now kept (None for
        a reply, which moves neither)."""
        await self._comments.insert_one(_comment_doc(comment))
        return (await self._recount_changes([(None, comment)])).get(comment.section_id)

    async def insert_many(self, comments: Sequence[Comment], *, batch: int = 1000) -> None:
        """Write many comments at once (the benchmark's data). The open counts are not kept up to
        date here: recount them afterwards (``comments.service.check_open_counts``)."""
        for start in range(0, len(comments), batch):
            await self._comments.insert_many([_comment_doc(c) for c in comments[start : start + batch]], ordered=False)

    async def comment(self, comment_id: ObjectId) -> Comment | None:
        doc = await self._comments.find_one({"_id": comment_id})
        return _comment(doc) if doc else None

    async def by_ids(self, ids: Iterable[ObjectId]) -> list[Comment]:
        wanted = list(ids)
        if not wanted:
            return []
        cursor = self._comments.find({"_id": {"$in": wanted}}).sort("created_at", ASCENDING)
        return [_comment(doc) async for doc in cursor]

    async def on_sections(self, section_ids: Sequence[ObjectId]) -> list[Comment]:
        """Every comment on these sections, threads and replies, oldest first (deleted ones left out)."""
        return await self._live("section_id", section_ids)

    async def replies(self, parent_ids: Sequence[ObjectId]) -> list[Comment]:
        return await self._live("parent_id", parent_ids)

    async def _live(self, field: str, values: Sequence[ObjectId]) -> list[Comment]:
        """The comments (deleted ones left out) whose ``field`` is one of ``values``, oldest first."""
        if not values:
            return []
        query = {field: {"$in": list(values)}, **_LIVE}
        cursor = self._comments.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).batch_size(LIST_BATCH)
        return [_comment(doc) async for doc in cursor]

    async def in_consultations(self, consultation_ids: Sequence[ObjectId]) -> list[PartyComment]:
        """The live comments written in these consultations, as far as a party's status needs them."""
        if not consultation_ids:
            return []
        query = {"consultation_id": {"$in": list(consultation_ids)}, **_LIVE}
        fields = {"consultation_id": 1, "organization_id": 1, "submitted": 1, "submitted_at": 1}
        return [
            PartyComment(
                doc["consultation_id"], doc["organization_id"], doc.get("submitted_at") if doc["submitted"] else None
            )
            async for doc in self._comments.find(query, fields).batch_size(LIST_BATCH)
        ]

    async def unstamped(self) -> list[Comment] | None:
        """Comments stored before comments carried their consultation (no ``consultation_id`` at
        all), for ``stamp_older``; None once it found none left, so comments are not read again."""
        if await self._migrations.find_one({"_id": _STAMPED}):
            return None
        return [_comment(doc) async for doc in self._comments.find({"consultation_id": {"$exists": False}})]

    async def stamp_older(self, stamps: Mapping[ObjectId, ObjectId | None]) -> None:
        """Give comments from ``unstamped`` their consultation (None: written in none), then note
        that none is left. Idempotent and the same in every process (the stamps are derived from
        stored facts), so two processes starting at once write the same values. The reader's markers
        of the sections concerned are derived again: they carry the consultation too."""
        by_consultation: dict[ObjectId | None, list[ObjectId]] = {}
        for comment_id, consultation_id in stamps.items():
            by_consultation.setdefault(consultation_id, []).append(comment_id)
        for consultation_id, comment_ids in by_consultation.items():
            await self._comments.update_many(
                {"_id": {"$in": comment_ids}, "consultation_id": {"$exists": False}},
                {"$set": {"consultation_id": consultation_id}},
            )
        stamped = [i for i, consultation_id in stamps.items() if consultation_id is not None]
        if stamped:
            query = {"_id": {"$in": stamped}, "parent_id": None}
            sections = {doc["section_id"] async for doc in self._comments.find(query, {"section_id": 1})}
            await self.recount(list(sections))
        # An empty database stays empty: the note is kept only once there are comments.
        if stamps or await self._comments.find_one({}, {"_id": 1}):
            await self._migrations.update_one({"_id": _STAMPED}, {"$set": {"done": True}}, upsert=True)

    async def for_document(self, document_id: ObjectId) -> list[Comment]:
        cursor = self._comments.find({"document_id": document_id, **_LIVE}).sort("created_at", ASCENDING)
        cursor = cursor.batch_size(LIST_BATCH)
        return [_comment(doc) async for doc in cursor]

    async def drafts(self, document_id: ObjectId, organization_id: ObjectId) -> list[Comment]:
        query = {"document_id": document_id, "organization_id": organization_id, "submitted": False, **_LIVE}
        return [_comment(doc) async for doc in self._comments.find(query).sort("created_at", ASCENDING)]

    async def open_counts(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, OpenCounts]:
        """Open thread-starting comments per section, organisation and draft state, as last counted."""
        wanted = list(dict.fromkeys(section_ids))
        if not wanted:
            return {}
        cursor = self._counts.find({"_id": {"$in": wanted}}).batch_size(LIST_BATCH)
        counts = {doc["_id"]: _stored_counts(doc) async for doc in cursor}
        never = [s for s in wanted if s not in counts]  # a new section, or data from before the counts
        return counts | (
            {s: OpenCounts.of(kept[0]) for s, kept in (await self.recount(never)).items()} if never else {}
        )

    async def stamped_markers(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, tuple[bytes, list[Marker]]]:
        """The reader's markers of these sections' live thread-starting comments, as last kept, ordered by
        comment id, each section's with the stamp of what was read (``reader_views``). Reads one small
        document per section and none of the comments."""
        wanted = list(dict.fromkeys(section_ids))
        if not wanted:
            return {}
        cursor = self._markers.find({"_id": {"$in": wanted}}).batch_size(LIST_BATCH)
        found = {
            doc["_id"]: (bytes(_stamp(doc["packed"])), markers)
            async for doc in cursor
            if (markers := _unpacked(doc["_id"], doc)) is not None
        }
        never = [s for s in wanted if s not in found]  # a new section, or kept before markers were
        if never:
            kept = await self.recount(never)
            found |= {s: (bytes(_stamp(_packed(k[1])["packed"])), k[1]) for s, k in kept.items()}
        return found

    async def reader_views(self, keys: Sequence[tuple[ObjectId, int]]) -> dict[tuple[ObjectId, int], Placed | None]:
        """Each section's markers as kept placed in the version of its text asked for (``model.Placed``, without
        its open proposals: ``reader_proposals``); None when they were never placed there, or placed from markers
        other than those kept now (the stamp kept with the counts is theirs): to be placed again and kept
        (``keep_reader_view``). Reads one small document per section from each of two collections, none of the
        markers."""
        found = await self._views(self._placements, keys)
        return {(s, v): _placed(s, v, packed) if packed is not None else None for (s, v), packed in found.items()}

    async def reader_proposals(
        self, keys: Sequence[tuple[ObjectId, int]]
    ) -> dict[tuple[ObjectId, int], tuple[Marker, ...] | None]:
        """The open proposals of ``reader_views``, kept apart: the reader asks for them after the rest."""
        found = await self._views(self._proposals, keys)
        return {(s, v): _proposals(s, packed) if packed is not None else None for (s, v), packed in found.items()}

    async def _views(
        self, collection: claims.Collection, keys: Sequence[tuple[ObjectId, int]]
    ) -> dict[tuple[ObjectId, int], bytes | None]:
        """What ``collection`` keeps of each (section, version) placed from the markers kept now (None: nothing)."""
        wanted = list(dict.fromkeys(s for s, _ in keys))
        if not wanted:
            return {}
        query = {"_id": {"$in": wanted}}

        async def read(collection: claims.Collection) -> dict[ObjectId, Mapping[str, Any]]:
            return {doc["_id"]: doc async for doc in collection.find(query).batch_size(LIST_BATCH)}

        counts, kept = await asyncio.gather(read(self._counts), read(collection))
        unstamped = [s for s in wanted if s not in counts or "markers" not in counts[s]]
        if unstamped:  # counted before the stamp was kept: count again, which keeps it
            await self.recount(unstamped)
        found: dict[tuple[ObjectId, int], bytes | None] = {}
        for section_id, version in keys:
            stamp = counts[section_id].get("markers") if section_id in counts else None
            views = kept[section_id].get("views", []) if section_id in kept else []
            view = next((v for v in views if v["version"] == version and v["stamp"] == stamp), None)
            found[(section_id, version)] = view["packed"] if view else None
        return found

    async def keep_reader_view(self, section_id: ObjectId, stamp: bytes, placed: Placed) -> None:
        """Keep ``placed``, made from the markers stamped ``stamp``, beside the section's view of one other
        version (a party reading the version sent for consultation, the steering group the newest). Only
        readers write these, and a view lost to another's write is placed again on the next read."""
        proposals = bson.encode({"form": _PLACED_FORM, "proposals": [_marker_fields(m) for m in placed.proposals]})
        await asyncio.gather(
            self._keep_view(self._placements, section_id, placed.version, stamp, _placed_fields(placed)),
            self._keep_view(self._proposals, section_id, placed.version, stamp, proposals),
        )

    async def _keep_view(
        self, collection: claims.Collection, section_id: ObjectId, version: int, stamp: bytes, packed: bytes
    ) -> None:
        view = {"version": version, "stamp": Binary(stamp), "packed": Binary(packed)}
        doc = await collection.find_one({"_id": section_id})
        others = [v for v in (doc or {}).get("views", []) if v["version"] != version][:1]
        await self._keep(collection, section_id, {"views": [view, *others]})

    async def thread_keys(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, ThreadKeys]:
        """The keys of these sections' live thread-starting comments, as last kept, ordered by
        comment id: what paging the threads needs, read without the markers and none of the comments."""
        wanted = list(dict.fromkeys(section_ids))
        if not wanted:
            return {}
        query = {"_id": wanted[0]} if len(wanted) == 1 else {"_id": {"$in": wanted}}
        found = {doc["_id"]: _stored_keys(doc) async for doc in self._keys.find(query).batch_size(LIST_BATCH)}
        never = [s for s in wanted if s not in found]  # a new section, or kept before the keys were
        if never:
            found |= {s: ThreadKeys.of(kept[1]) for s, kept in (await self.recount(never)).items()}
        return found

    async def count_open(self, section_ids: Sequence[ObjectId] | None = None) -> dict[ObjectId, list[OpenCount]]:
        """Open thread-starting comments per section, organisation and draft state, counted now."""
        return {s: kept[0] for s, kept in (await self.derive(section_ids)).items() if kept[0]}

    async def derive(self, section_ids: Sequence[ObjectId] | None = None) -> dict[ObjectId, Kept]:
        """Each section's open counts and markers, derived now from its live thread-starting comments
        (every section with such comments when ``section_ids`` is None)."""
        if section_ids is not None and not section_ids:
            return {}
        query: dict[str, Any] = {"parent_id": None, **_LIVE}
        if section_ids is not None:
            query["section_id"] = {"$in": list(section_ids)}
        by_section: dict[ObjectId, list[Comment]] = {}
        async for doc in self._comments.find(query, _DERIVED_FROM).batch_size(LIST_BATCH):
            comment = _derived_comment(doc)
            by_section.setdefault(comment.section_id, []).append(comment)
        derived: dict[ObjectId, Kept] = {}
        for section_id, comments in by_section.items():
            counted: dict[tuple[ObjectId, bool], int] = {}
            for c in comments:
                if _counted(c):
                    counted[(c.organization_id, c.submitted)] = counted.get((c.organization_id, c.submitted), 0) + 1
            counts = sorted((OpenCount(org, sub, n) for (org, sub), n in counted.items()), key=_count_order)
            derived[section_id] = (counts, sorted((marker_of(c) for c in comments), key=_marker_order))
        return derived

    async def stored(self) -> dict[ObjectId, tuple[list[OpenCount] | None, list[Marker] | None]]:
        """Every section's counts and markers as kept (None: never kept, or kept wrong: ``_checked``), for ``check``."""
        kept = {doc["_id"]: doc async for doc in self._counts.find({})}
        counts = {s: _stored_counts(doc).unpacked() for s, doc in kept.items()}
        keys = {doc["_id"]: doc async for doc in self._keys.find({})}
        markers = {
            doc["_id"]: _checked(doc, keys.get(doc["_id"]), kept.get(doc["_id"]))
            async for doc in self._markers.find({})
        }
        return {s: (counts.get(s), markers.get(s)) for s in counts.keys() | markers.keys()}

    async def recount(
        self, section_ids: Iterable[ObjectId], *, proposal: Mapping[ObjectId, Kept] | None = None
    ) -> dict[ObjectId, Kept]:
        """Count these sections' open comments, derive their markers and store both; returns them.

        Writers race: one may count before another's comment lands and store its count after the
        other's. So each writer, after storing, counts again and stores again until the fresh count
        is what it stored. That settles it: every comment write is followed by its writer's store,
        so all of them happened before the last store of all; the writer of that last store counts
        after it, sees every comment, and stops only when the fresh count is what it stored — what
        is stored for good. (Reading back what is stored would add nothing: a later store is its
        own writer's to check. A crash in between leaves the counts stale, or stamped for markers no
        longer kept so that readers keep showing what was placed from those, until the next write
        on the section or ``check --repair``, which ``stored`` tells of.) A ``proposal`` — counts
        believed right, such as the stored ones plus the comment just added — takes the place of the
        first count: the count after storing decides either way. The markers and the thread keys go
        along with the counts in every step; each is a store of its own, and the argument holds for
        each alone (the last store of a section's keys, too, is followed by its writer's count), and
        for the stamp kept with the counts, derived from the markers stored with them.
        """
        pending = list(dict.fromkeys(section_ids))
        kept = dict(proposal) if proposal is not None else await self.derive(pending)
        settled: dict[ObjectId, Kept] = {}
        for _ in range(_RECOUNT_ATTEMPTS):
            stored = {s: kept.get(s, ([], [])) for s in pending}
            await asyncio.gather(
                *(
                    self._keep(collection, section_id, fields)
                    for section_id, (counts, markers) in stored.items()
                    for collection, fields in self._kept_fields(counts, markers)
                )
            )
            kept = await self.derive(pending)
            settled |= {s: stored[s] for s in pending if stored[s] == kept.get(s, ([], []))}
            pending = [s for s in pending if s not in settled]
            if not pending:
                return settled
        log.warning("open-comment counts of sections %s still moving after %d recounts", pending, _RECOUNT_ATTEMPTS)
        return settled | {s: kept.get(s, ([], [])) for s in pending}

    def _kept_fields(
        self, counts: Sequence[OpenCount], markers: Sequence[Marker]
    ) -> tuple[tuple[claims.Collection, dict[str, Any]], ...]:
        packed = _packed(markers)
        return (
            (self._counts, _count_fields(counts, _stamp(packed["packed"]))),
            (self._markers, packed),
            (self._keys, _key_fields(markers)),
        )

    @staticmethod
    async def _keep(collection: claims.Collection, section_id: ObjectId, fields: dict[str, Any]) -> None:
        try:
            await collection.replace_one({"_id": section_id}, fields, upsert=True)
        except DuplicateKeyError:
            pass  # another writer created it a moment ago; the comparison after storing decides

    async def _stored(self, section_ids: Sequence[ObjectId]) -> dict[ObjectId, Kept]:
        """The counts and markers kept for these sections (those with either never kept left out)."""
        if not section_ids:
            return {}
        query = {"_id": section_ids[0]} if len(section_ids) == 1 else {"_id": {"$in": list(section_ids)}}

        async def read(collection: claims.Collection) -> dict[ObjectId, Mapping[str, Any]]:
            return {doc["_id"]: doc async for doc in collection.find(query)}

        counts, markers = await asyncio.gather(read(self._counts), read(self._markers))
        unpacked = {s: _unpacked(s, doc) for s, doc in markers.items()}
        return {
            s: (_stored_counts(counts[s]).unpacked(), kept)
            for s in section_ids
            if s in counts and (kept := unpacked.get(s)) is not None
        }

    async def _recount_changes(self, changes: Iterable[tuple[Comment | None, Comment | None]]) -> dict[ObjectId, Kept]:
        """Recount the sections of these thread-starting comments (before, after a write), from a guess.

        The guess is the stored counts and markers moved by the writes. Every section a write
        touched is recounted, even when the move nets to nothing: on the embedded store the
        "before" a write returns can be stale, and the recount's check after storing is what makes
        the result right.
        """
        moves: dict[ObjectId, dict[tuple[ObjectId, bool], int]] = {}
        marked: dict[ObjectId, dict[ObjectId, Marker | None]] = {}
        for before, after in changes:
            for comment, sign in ((before, -1), (after, +1)):
                if comment is None or comment.parent_id is not None:
                    continue
                by_key = moves.setdefault(comment.section_id, {})
                if _counted(comment):
                    key = (comment.organization_id, comment.submitted)
                    by_key[key] = by_key.get(key, 0) + sign
                if sign > 0 or comment.id not in marked.get(comment.section_id, {}):
                    live = sign > 0 and not comment.deleted
                    marked.setdefault(comment.section_id, {})[comment.id] = marker_of(comment) if live else None
        changed = list(moves)
        if not changed:
            return {}
        stored = await self._stored(changed)
        if any(section not in stored for section in changed):
            return await self.recount(changed)  # never counted: count first
        guess: dict[ObjectId, Kept] = {}
        for section in changed:
            found = {(c.organization_id, c.submitted): c.count for c in stored[section][0]}
            for key, move in moves[section].items():
                found[key] = found.get(key, 0) + move
            counts = [OpenCount(org, submitted, n) for (org, submitted), n in found.items() if n > 0]
            markers = {m.id: m for m in stored[section][1]}
            for comment_id, marker in marked.get(section, {}).items():
                markers.pop(comment_id, None)
                if marker is not None:
                    markers[comment_id] = marker
            guess[section] = (sorted(counts, key=_count_order), sorted(markers.values(), key=_marker_order))
        return await self.recount(changed, proposal=guess)

    async def _change(
        self,
        comment_id: ObjectId,
        condition: Mapping[str, Any],
        fields: claims.Fields,
        *,
        recount: bool = True,
    ) -> tuple[Comment, Comment] | None:
        """Change one comment while ``condition`` holds, as the only writer of its revision
        (``server.claims``: an author's edit and an editor's answer at once must both count).
        Returns the comment before and after, or None when the condition no longer holds."""
        changed = await claims.change(self._comments, self._claims, comment_id, condition, fields)
        if changed is None:
            return None
        before, after = _comment(changed[0]), _comment(changed[1])
        if recount:
            await self._recount_changes([(before, after)])
        return before, after

    async def submit(self, comment_ids: Sequence[ObjectId], at: datetime) -> list[Comment]:
        """Send these drafts as the organisation's response (published, and locked from now on); the
        ones another request submitted first are left as they are."""
        changed = []
        for comment_id in comment_ids:
            fields = {"submitted": True, "submitted_at": at, "updated_at": at, "in_response": True}
            pair = await self._change(comment_id, {"submitted": False, **_LIVE}, fields, recount=False)
            if pair is not None:
                changed.append(pair)
        await self._recount_changes(changed)
        return await self.by_ids(comment_ids) if comment_ids else []

    async def edit(
        self, comment: Comment, body: str, html: str, proposed_text: str | None, at: datetime, *, answered: bool
    ) -> Comment | None:
        """Change an unsent comment's text, keeping the earlier wording; None when it was sent (or,
        unless ``answered`` says an answer may stand, answered) meanwhile."""

        def edited(doc: Mapping[str, Any]) -> Mapping[str, Any]:
            earlier = {
                "body": doc["body"],
                "proposed_text": doc.get("proposed_text"),
                "at": doc["updated_at"],
                "draft": not doc.get("submitted", True),
            }
            return {
                "body": body,
                "html": html,
                "proposed_text": proposed_text,
                "updated_at": at,
                "edits": [*doc.get("edits", []), earlier],
                # An answer the author could not see stands: the steering group is told of the change.
                "changed_since_answer": doc.get("responded_at") is not None,
            }

        changed = await self._change(comment.id, _UNSENT if answered else _EDITABLE, edited)
        return changed[1] if changed else None

    async def delete(self, comment: Comment, at: datetime, *, answered: bool) -> Comment | None:
        fields = {"deleted": True, "deleted_at": at, "updated_at": at}
        changed = await self._change(comment.id, _UNSENT if answered else _EDITABLE, fields)
        return changed[1] if changed else None

    async def respond(
        self, comment_id: ObjectId, status: CommentStatus, response: str, html: str, by: ObjectId, at: datetime
    ) -> Comment | None:
        changed = await self._change(
            comment_id,
            _LIVE,
            {
                "status": status.value,
                "response": response,
                "response_html": html,
                "responded_by": by,
                "responded_at": at,
                "updated_at": at,
                "changed_since_answer": False,
            },
        )
        return changed[1] if changed else None

    async def link_version(self, comment_id: ObjectId, version: int, by: ObjectId, at: datetime) -> Comment | None:
        """Record the version that took a proposal in and accept it; None when it was linked already."""
        changed = await self._change(
            comment_id,
            {"applied_version": None, **_LIVE},
            {
                "applied_version": version,
                "status": CommentStatus.ACCEPTED.value,
                "responded_by": by,
                "responded_at": at,
                "updated_at": at,
                "changed_since_answer": False,
            },
        )
        return changed[1] if changed else None
