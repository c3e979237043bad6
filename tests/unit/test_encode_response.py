"""The GraphQL answer's JSON (server/app.py encode_response): the value the standard encoder gave."""

from __future__ import annotations

import json

from server.app import encode_response


def _standard(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def test_danish_text_floats_and_nesting_read_back_as_the_standard_encoder_wrote_them() -> None:
    data = {
        "data": {
            "document": {
                "title": 'Høringsnotat – »Sundhedsstrategi« æøå ÆØÅ \u2028 "citat" \\ <b>&',
                "sections": [{"position": 1.5, "tiny": 1e-7, "large": 1e16, "third": 1 / 3, "count": 2**40}],
                "summary": None,
                "flags": [True, False],
            }
        },
        "errors": [{"message": "Ingen adgang", "extensions": {"code": "FORBIDDEN"}, "path": ["document", 0]}],
    }
    encoded = encode_response(data)
    assert json.loads(encoded) == json.loads(_standard(data)) == data
    assert "Høringsnotat".encode() in encoded  # UTF-8, not \\u escapes


def test_what_orjson_refuses_is_encoded_by_the_standard_library() -> None:
    lone_surrogate = {"data": {"text": "a\ud800b"}}
    huge = {"data": {"n": 2**70}}
    assert encode_response(lone_surrogate) == _standard(lone_surrogate)
    assert encode_response(huge) == _standard(huge)
    assert json.loads(encode_response(huge)) == huge
