// Copyright 2021 FerretDB Inc.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Udkast patch: this file is new (see tools/docstore/patch/NOTICE).

package sjson

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// TestFastUnmarshal checks that the fast decoder returns what the published one does, and
// that it takes the documents Marshal writes of the common types.
func TestFastUnmarshal(t *testing.T) {
	t.Parallel()

	id := types.ObjectID{0x65, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff}
	at := time.Date(2026, 12, 4, 21, 0, 0, 123e6, time.UTC)
	nested := must.NotFail(types.NewDocument("exact", "passage", "prefix", "", "suffix", "æøå \u2028 ✓"))
	// The documents of the common types, which the fast decoder must take.
	fast := map[string]*types.Document{
		"Flat": must.NotFail(types.NewDocument(
			"_id", id, "s", "tekst", "t", true, "f", false, "i", int32(-7), "l", int64(1)<<53+1,
			"d", at, "old", time.UnixMilli(-1), "n", types.Null, "min", int32(math.MinInt32),
			"max", int64(math.MaxInt64), "zero", int64(0),
		)),
		"Nested": must.NotFail(types.NewDocument(
			"_id", "section", "anchor", nested, "empty", must.NotFail(types.NewDocument()),
			"markers", must.NotFail(types.NewArray(nested, nested, "x", int32(1), types.Null)),
			"none", must.NotFail(types.NewArray()),
			"deep", must.NotFail(types.NewArray(must.NotFail(types.NewArray(must.NotFail(types.NewArray("a")))))),
		)),
		"Escapes": must.NotFail(types.NewDocument(
			"quote", `say "hi"`, "slash", `a\b`, "newline", "a\nb", "tab", "\t", "nul", "a\x00b",
			"brackets", `}{][",:`, "html", "<p>&amp;</p>", "separators", "a\u2028b\u2029c",
			"mixed", "<h2>Æ \"ø\"</h2>\n\n* å & 😀 \x7f\x01\\", "only", "\\",
		)),
		"OddKeys": must.NotFail(types.NewDocument("ø", "v", "", "empty key", "$k", "v", "p", "v")),
		"Doubles": must.NotFail(types.NewDocument(
			"d", 1.5, "negzero", math.Copysign(0, -1), "big", float64(1<<60), "small", math.SmallestNonzeroFloat64,
		)),
		"Timestamp": must.NotFail(types.NewDocument("ts", types.Timestamp(42))),
	}
	fast["Binary"] = must.NotFail(types.NewDocument(
		"b", types.Binary{Subtype: types.BinaryGeneric, B: []byte{0, 1, 2, 0xff}},
		"empty", types.Binary{Subtype: types.BinaryUser, B: []byte{}},
		"packed", must.NotFail(types.NewDocument("x", types.Binary{Subtype: types.BinaryUUID, B: make([]byte, 16)})),
	))
	all := map[string]*types.Document{
		"Regex": must.NotFail(types.NewDocument("r", types.Regex{Pattern: "^a", Options: "i"})),
	}

	for name, doc := range fast {
		all[name] = doc
	}

	for name, doc := range all {
		doc := doc
		_, wanted := fast[name]

		t.Run(name, func(t *testing.T) {
			t.Parallel()

			data, err := Marshal(doc)
			require.NoError(t, err)

			_, took := fastUnmarshal(data)
			require.True(t, took || !wanted, "the fast decoder declined %s", data)

			published, err := unmarshalAsPublished(data)
			require.NoError(t, err)

			got, err := Unmarshal(data)
			require.NoError(t, err)
			assert.Equal(t, published, got)
			assert.Equal(t, doc.Keys(), got.Keys())
		})
	}
}

// TestFastUnmarshalDeclines checks that what the fast decoder does not take is left to the
// published one, errors included.
func TestFastUnmarshalDeclines(t *testing.T) {
	t.Parallel()

	for _, data := range []string{
		`{"$s":{}}`,
		`{ "$s":{"p":{"a":{"t":"string"}},"$k":["a"]},"a":"x"}`,
		`{"$s":{"p":{"a":{"t":"string"}},"$k":["a"]},"a":"x"}junk`,
		`{"$s":{"p":{"a":{"t":"string"}},"$k":["a"],"x":1},"a":"x"}`,
		`{"$s":{"p":{"a":{"t":"string"}},"$k":["a"]},"a":"x","a":"y"}`,
		`{"$s":{"p":{"a":{"t":"string"}},"$k":["a"]},"b":"x"}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a"]},"a":01}`,
		`{"$s":{"p":{"a":{"t":"int"}},"$k":["a"]},"a":4294967296}`,
		`{"$s":{"p":{"a":{"t":"objectId"}},"$k":["a"]},"a":"zz"}`,
		`{"$s":{"p":{"a":{"t":"array","i":[{"t":"string"}]}},"$k":["a"]},"a":["x","y"]}`,
		`"foo"`,
		`{}`,
	} {
		published, publishedErr := unmarshalAsPublished([]byte(data))
		got, err := Unmarshal([]byte(data))

		if publishedErr != nil {
			assert.Error(t, err, data)
			assert.Nil(t, got, data)

			continue
		}

		require.NoError(t, err, data)
		assert.Equal(t, published, got, data)
	}
}

// TestJSONString checks the fast decoder's strings against encoding/json, which the published
// decoder uses: the same string, or declined.
func TestJSONString(t *testing.T) {
	t.Parallel()

	for _, raw := range []string{
		`""`, `"plain"`, `"\""`, `"a\\b"`, `"\/"`, `"\b\f\n\r\t"`, `"\u003cp\u003e \u0026amp;"`,
		`"\u00e6\u00C6"`, `"\u2028\u2029"`, `"\u0000"`, `"æøå 😀"`, `"\ud83d\ude00"`, `"\ud83d"`,
		`"\ude00x"`, `"\u12"`, `"\u12g4"`, `"\x"`, `"\"`, `"a\"`, "\"\xff\"", "\"\xff\\n\"", "\"a\nb\"",
		`"a"b"`, `"end\\"`, `"\\\\"`,
	} {
		var want string
		wantErr := json.Unmarshal([]byte(raw), &want)
		got, ok := jsonString([]byte(raw))

		if !ok {
			// Declined: the published decoder answers (escaped surrogates, invalid UTF-8, bad JSON).
			continue
		}

		require.NoError(t, wantErr, raw)
		assert.Equal(t, want, got, raw)
	}

	for _, raw := range []string{`"\\"`, `"\u003c\u2028"`, `"\"x\""`, `"\n"`} {
		_, ok := jsonString([]byte(raw))
		assert.True(t, ok, "declined %s", raw)
	}
}
