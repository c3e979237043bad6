"""The embedded store keeps each connection's prepared queries (tools/docstore/patch-sqlite): the
same find asked again must see every change in between — documents written and removed, an index
created, the collection dropped and made again — and two cursors of one find read apart."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.collection import Collection as PyCollection

Collection = PyCollection[dict[str, Any]]


@pytest.fixture
def things(mongodb_uri: str) -> Iterator[Collection]:
    client: MongoClient[dict[str, Any]] = MongoClient(mongodb_uri)
    collection = client["udkast_statement_cache"]["things"]
    collection.drop()
    yield collection
    client.drop_database("udkast_statement_cache")
    client.close()


def _keys(collection: Collection, query: dict[str, Any]) -> list[object]:
    return [d["_id"] for d in collection.find(query)]


def test_the_same_find_sees_every_change_in_between(things: Collection) -> None:
    things.insert_many([{"_id": i, "k": "a" if i % 2 else "b"} for i in range(10)])
    assert _keys(things, {"k": "a"}) == [1, 3, 5, 7, 9]
    assert things.find_one({"_id": 3}) == {"_id": 3, "k": "a"}
    things.insert_one({"_id": 10, "k": "a"})
    things.delete_one({"_id": 3})
    things.update_one({"_id": 4}, {"$set": {"k": "a"}})
    assert _keys(things, {"k": "a"}) == [1, 4, 5, 7, 9, 10]
    assert things.find_one({"_id": 3}) is None
    things.create_index("k")  # the schema changes under the kept statement
    assert _keys(things, {"k": "a"}) == [1, 4, 5, 7, 9, 10]
    things.drop()
    assert _keys(things, {"k": "a"}) == []
    assert things.find_one({"_id": 1}) is None
    things.insert_many([{"_id": "x", "k": "a"}, {"_id": "y", "k": "c"}])
    assert _keys(things, {"k": "a"}) == ["x"]
    assert things.find_one({"_id": "y"}) == {"_id": "y", "k": "c"}


def test_two_cursors_of_one_find_read_apart(things: Collection) -> None:
    things.insert_many([{"_id": i, "k": "a"} for i in range(30)])
    first = things.find({"k": "a"}, batch_size=4)
    second = things.find({"k": "a"}, batch_size=4)
    read: tuple[list[object], list[object]] = ([], [])
    for a, b in zip(first, second, strict=True):
        read[0].append(a["_id"])
        read[1].append(b["_id"])
        assert _keys(things, {"k": "a", "_id": a["_id"]}) == [a["_id"]]  # a third, in between
    assert read[0] == read[1] == list(range(30))
