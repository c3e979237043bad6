"""Our patched FerretDB against FerretDB as published: the same answers, in the same order.

tools/docstore/patch pushes equality filters down to SQLite's indexes, makes update and
findAndModify atomic and decodes stored documents on a fast path. A pushed-down filter only
preselects: FerretDB filters the documents again, so a preselection that leaves out a matching
document is one way the patch could change an answer; a value the fast decoder reads otherwise
than the published one (odd strings, numbers, nesting) is the other. These tests load the same documents into both builds and compare every
answer byte for byte (raw BSON), including the order of the documents.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bson import Int64, ObjectId, Regex
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.collection import Collection

from server import docstore

RAW: CodecOptions[RawBSONDocument] = CodecOptions(document_class=RawBSONDocument)

OIDS = [ObjectId(f"65a0000000000000000000{i:02x}") for i in range(4)]
ODD_STRINGS = [
    "",
    " ",
    "a",
    "A",
    "a ",
    "é",
    "e\u0301",
    '"',
    "\\",
    "\\u0041",
    "<>&",
    "\u2028\u2029",
    "\x00nul",
    "\x01\x1f\x7f",
    "👩‍👩‍👧",
    "\ud7ff\ue000\uffff",
    "$x",
    "a.b",
    "[",
    "{",
    "65a000000000000000000001",  # the hex of OIDS[1], as a string
    "1",
    "null",
]
NUMBERS: list[Any] = [
    0,
    Int64(0),
    0.0,
    -0.0,
    1,
    Int64(1),
    1.0,
    -1,
    1.5,
    -1.5,
    0.1,
    1e-7,
    1e21,
    2**31 - 1,
    -(2**31),
    Int64(2**53 - 1),
    Int64(2**53),
    Int64(2**53 + 1),
    float(2**53),
    float(2**53 + 2),
    Int64(2**63 - 1),
    Int64(-(2**63)),
    float(2**63),
]
# FerretDB 1.24 refuses to store infinities, and drops the connection on NaN stored or asked
# for (stock and patched alike): infinities are asked for only, NaN not at all.
NON_FINITE = [float("inf"), float("-inf")]
OTHERS: list[Any] = [
    None,
    True,
    False,
    *OIDS,
    datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
    {"a": 1},
    {"a": "a"},
    {},
    [],
    ["a"],
    ["a", "b"],
    [1, 2.0],
    [{"a": "a"}],
    [None],
    [OIDS[0], "x"],
]
VALUES: list[Any] = ODD_STRINGS + NUMBERS + OTHERS


def documents() -> list[dict[str, Any]]:
    """Every value under an indexed field (k) and an unindexed one (u), nested too, with neighbours."""
    docs: list[dict[str, Any]] = []
    for i, value in enumerate(VALUES):
        other = VALUES[(i * 7 + 3) % len(VALUES)]
        docs.append({"_id": i, "k": value, "u": other, "n": i % 5, "meta": {"k": value}})
        docs.append({"_id": f"s{i}", "k": other, "u": value, "n": (i + 2) % 5})
    docs.append({"_id": OIDS[0], "n": 1})  # k missing
    docs.append({"_id": OIDS[1], "k": "a", "n": 2})
    docs.append({"_id": "65a000000000000000000002", "k": OIDS[2], "n": 3})
    return docs


def queries() -> Iterator[dict[str, Any]]:
    finite = [v for v in VALUES if not isinstance(v, (dict, list)) and v is not None]
    for i, value in enumerate(VALUES):
        yield {"k": value}
        yield {"u": value}
        if isinstance(value, str):
            yield {"meta.k": value}
        if not isinstance(value, dict):
            yield {"k": {"$eq": value}}
            yield {"k": {"$eq": value, "$ne": "a"}}
            yield {"k": value, "n": {"$gte": 2}}
        yield {"k": {"$in": [value, finite[(i * 5) % len(finite)]]}}
        yield {"k": {"$in": [value]}, "n": i % 5, "u": {"$ne": finite[(i * 3) % len(finite)]}}
    for oid in OIDS:
        yield {"_id": oid}
        yield {"_id": str(oid)}
        yield {"_id": {"$in": [oid, str(oid)]}}
    for i in (0, 7, 50):
        yield {"_id": i}
        yield {"_id": float(i)}
        yield {"_id": f"s{i}"}
    yield {"k": {"$in": []}}
    yield {"k": {"$in": ["a", Regex("^a")]}}
    yield {"k": {"$in": ["a", None]}}
    yield {"k": {"$in": [["a"], "b"]}}
    yield {"k": {"$exists": False}}
    yield {"$or": [{"k": "a"}, {"u": "a"}]}
    yield {"$and": [{"k": "a"}, {"n": 2}]}
    yield {"k": "a", "$comment": "x"}
    for value in NON_FINITE:
        yield {"k": value}
        yield {"k": {"$in": [value, "a"]}}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MongoClient[Any], MongoClient[Any]]]:
    """(stock, patched): both builds, each with the same collection and indexes."""
    stock = docstore.start(Path(tmp_path_factory.mktemp("stock")), stock=True)
    patched = docstore.start(Path(tmp_path_factory.mktemp("patched")))
    clients: list[MongoClient[Any]] = [MongoClient(s.uri) for s in (stock, patched)]
    try:
        for client in clients:
            coll = client.t.c
            coll.create_index([("k", ASCENDING)], name="k")
            coll.create_index([("n", ASCENDING), ("k", DESCENDING)], name="n_k")
            coll.insert_many(documents())
        yield clients[0], clients[1]
    finally:
        for client in clients:
            client.close()
        stock.stop()
        patched.stop()


def raw(client: MongoClient[Any], name: str = "c") -> Collection[RawBSONDocument]:
    return client.t.get_collection(name, codec_options=RAW)


def answers(client: MongoClient[Any], query: dict[str, Any]) -> list[Any]:
    coll = raw(client)
    return [
        [d.raw for d in coll.find(query)],
        [d.raw for d in coll.find(query).sort("n", DESCENDING).limit(3)],
        coll.count_documents(query),
    ]


def test_the_patch_is_in_one_build_and_not_the_other(stores: tuple[MongoClient[Any], MongoClient[Any]]) -> None:
    stock, patched = stores
    query = {"find": "c", "filter": {"k": "a"}}
    assert stock.t.command("explain", query)["filterPushdown"] is False
    plan = patched.t.command("explain", query)
    assert plan["filterPushdown"] is True
    assert any("USING INDEX" in line for line in plan["queryPlanner"]["Plan"])


def test_reads_answer_alike_in_find_and_aggregate(stores: tuple[MongoClient[Any], MongoClient[Any]]) -> None:
    stock, patched = stores
    compared = 0
    for query in queries():
        assert answers(patched, query) == answers(stock, query), query
        compared += 1
    assert compared > 400
    for query in ({"k": "a"}, {"k": {"$in": [1, "b"]}}, {"_id": OIDS[1]}, {"k": 0, "n": 2}):
        pipeline = [{"$match": query}, {"$project": {"k": 1}}]
        assert [d.raw for d in raw(patched).aggregate(pipeline)] == [d.raw for d in raw(stock).aggregate(pipeline)]
        assert [d.raw for d in raw(patched).find(query).skip(1)] == [d.raw for d in raw(stock).find(query).skip(1)]
    # A sanity check of the comparison itself: the queries select different documents.
    assert answers(stock, {"k": "a"}) != answers(stock, {"k": "A"})
    assert len(answers(stock, {"k": 1})[0]) >= 4  # 1, Int64(1), 1.0 and [1, 2.0] (and more)


def test_writes_answer_alike(stores: tuple[MongoClient[Any], MongoClient[Any]]) -> None:
    results = []
    for client in stores:
        client.t.w.drop()
        client.t.w.create_index("k", name="k")
        coll = raw(client, "w")
        coll.insert_many(documents())
        out: list[Any] = []
        out.append(coll.update_many({"k": "a"}, {"$set": {"hit": 1}}).raw_result)
        out.append(coll.update_many({"k": {"$in": [1, "b"]}}, {"$inc": {"n": 10}}).raw_result)
        out.append(coll.update_one({"k": 0}, {"$set": {"zero": True}}).raw_result)
        out.append(coll.update_one({"k": "missing"}, {"$set": {"k": "missing"}}, upsert=True).raw_result["n"])
        out.append(coll.replace_one({"_id": 3}, {"k": "replaced"}).raw_result)
        found = coll.find_one_and_update({"k": "é"}, {"$set": {"k": "e"}}, return_document=ReturnDocument.AFTER)
        out.append(found.raw if found else None)
        found = coll.find_one_and_update({"k": Int64(2**53)}, {"$inc": {"n": 1}}, sort=[("n", DESCENDING)])
        out.append(found.raw if found else None)
        found = coll.find_one_and_delete({"k": {"$in": ["<>&", -0.0]}})
        out.append(found.raw if found else None)
        out.append(coll.delete_many({"k": {"$in": ["", " "]}}).raw_result)
        out.append(coll.delete_one({"u": "a"}).raw_result)
        out.append(coll.update_many({"k": "e"}, {"$set": {"k": ["e", "f"]}}).raw_result)
        out.append([d.raw for d in coll.find({"k": "f"})])
        out.append([d.raw for d in coll.find({}, {"upserted": 0}) if d.get("k") != "missing"])
        results.append(out)
    assert results[0] == results[1]


def test_concurrent_increments_are_not_lost(stores: tuple[MongoClient[Any], MongoClient[Any]]) -> None:
    """8 writers × 50 $inc on one document: the patched store counts every one."""
    _, patched = stores
    coll = patched.t.counter
    coll.insert_one({"_id": "c", "value": 0})

    def writer() -> None:
        for _ in range(50):
            coll.update_one({"_id": "c"}, {"$inc": {"value": 1}})
            coll.find_one_and_update({"_id": "c"}, {"$inc": {"value": 1}})

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert coll.find_one({"_id": "c"}) == {"_id": "c", "value": 800}
