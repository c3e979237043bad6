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
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/AlekSi/pointer"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// fastUnmarshal decodes a stored document as Unmarshal does, splitting each level by scanning
// its bytes, without reflection. It declines (ok false) whatever is not exactly as Marshal
// writes it (whitespace, escaped keys, duplicate keys, unexpected schema keys), and Unmarshal
// then decodes the document as published; values it has no fast path for (escaped strings,
// doubles, regex, timestamp, …) are decoded by unmarshalSingleValue as published.
func fastUnmarshal(data []byte) (*types.Document, bool) {
	v, ok := rawObject(data)
	if !ok {
		return nil, false
	}

	jsch, ok := v["$s"]
	if !ok {
		return nil, false
	}

	sch, ok := fastSchema(jsch)
	if !ok {
		return nil, false
	}

	delete(v, "$s")

	return fastDocument(v, sch)
}

// fastDocument is documentType.UnmarshalJSONWithSchema for an object split by rawObject.
func fastDocument(v map[string][]byte, sch *schema) (*types.Document, bool) {
	if len(v) == 0 {
		return new(types.Document), true
	}

	if sch == nil || len(sch.Keys) != len(v) {
		return nil, false
	}

	d := must.NotFail(types.NewDocument())

	for _, key := range sch.Keys {
		b, ok := v[key]
		if !ok {
			return nil, false
		}

		value, ok := fastValue(b, sch.Properties[key])
		if !ok {
			return nil, false
		}

		d.Set(key, value)
	}

	return d, true
}

// fastValue is unmarshalSingleValue with fast paths for the common types.
func fastValue(data []byte, sch *elem) (any, bool) {
	if sch != nil && !bytes.Equal(data, []byte("null")) {
		switch sch.Type {
		case elemTypeObject:
			if v, ok := rawObject(data); ok && sch.Schema != nil {
				return fastDocument(v, sch.Schema)
			}
		case elemTypeArray:
			if items, ok := rawArray(data); ok && sch.Items != nil && len(items) == len(sch.Items) {
				a := types.MakeArray(len(items))

				for i, item := range items {
					value, ok := fastValue(item, sch.Items[i])
					if !ok {
						return nil, false
					}

					a.Append(value)
				}

				return a, true
			}
		case elemTypeString:
			if s, ok := jsonString(data); ok {
				return s, true
			}
		case elemTypeObjectID:
			if s, ok := plainString(data); ok && len(s) == 2*types.ObjectIDLen {
				var id types.ObjectID
				if _, err := hex.Decode(id[:], []byte(s)); err == nil {
					return id, true
				}
			}
		case elemTypeBinData:
			if s, ok := plainString(data); ok && sch.Subtype != nil {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil {
					return types.Binary{Subtype: *sch.Subtype, B: b}, true
				}
			}
		case elemTypeBool:
			switch string(data) {
			case "true":
				return true, true
			case "false":
				return false, true
			}
		case elemTypeInt:
			if plainInteger(data) {
				if i, err := strconv.ParseInt(string(data), 10, 32); err == nil {
					return int32(i), true
				}
			}
		case elemTypeLong, elemTypeDate:
			if plainInteger(data) {
				if i, err := strconv.ParseInt(string(data), 10, 64); err == nil {
					if sch.Type == elemTypeDate {
						return time.UnixMilli(i), true
					}

					return i, true
				}
			}
		}
	}

	v, err := unmarshalSingleValue(data, sch)

	return v, err == nil
}

// fastSchema decodes a schema as json.Decoder with DisallowUnknownFields does, when it is
// exactly as Marshal writes it.
func fastSchema(data []byte) (*schema, bool) {
	v, ok := rawObject(data)
	if !ok {
		return nil, false
	}

	if len(v) == 0 { // an empty document's
		return new(schema), true
	}

	if len(v) != 2 {
		return nil, false
	}

	jkeys, ok1 := v["$k"]
	jprops, ok2 := v["p"]

	if !ok1 || !ok2 {
		return nil, false
	}

	rawKeys, ok := rawArray(jkeys)
	if !ok {
		return nil, false
	}

	props, ok := rawObject(jprops)
	if !ok {
		return nil, false
	}

	sch := &schema{Keys: make([]string, len(rawKeys)), Properties: make(map[string]*elem, len(props))}

	for i, k := range rawKeys {
		if sch.Keys[i], ok = plainString(k); !ok {
			return nil, false
		}
	}

	for k, p := range props {
		if sch.Properties[k], ok = fastElem(p); !ok {
			return nil, false
		}
	}

	return sch, true
}

// fastElem decodes one property's schema; see fastSchema.
func fastElem(data []byte) (*elem, bool) {
	v, ok := rawObject(data)
	if !ok {
		return nil, false
	}

	e := new(elem)

	for k, raw := range v {
		switch k {
		case "t":
			t, ok := plainString(raw)
			if !ok {
				return nil, false
			}

			e.Type = elemType(t)
		case "$s":
			if e.Schema, ok = fastSchema(raw); !ok {
				return nil, false
			}
		case "i":
			items, ok := rawArray(raw)
			if !ok {
				return nil, false
			}

			e.Items = make([]*elem, len(items))
			for i, item := range items {
				if e.Items[i], ok = fastElem(item); !ok {
					return nil, false
				}
			}
		case "s":
			if !plainInteger(raw) {
				return nil, false
			}

			subtype, err := strconv.ParseUint(string(raw), 10, 8)
			if err != nil {
				return nil, false
			}

			e.Subtype = pointer.To(types.BinarySubtype(subtype))
		default: // "o" (regex) is rare: its documents take the published path
			return nil, false
		}
	}

	if _, ok := v["t"]; !ok {
		return nil, false
	}

	return e, true
}

// rawObject splits a JSON object as Marshal writes it (no whitespace, keys without escapes,
// each key once) into its members' raw values.
func rawObject(data []byte) (map[string][]byte, bool) {
	n := len(data)
	if n < 2 || data[0] != '{' || data[n-1] != '}' {
		return nil, false
	}

	v := make(map[string][]byte)
	if n == 2 {
		return v, true
	}

	for i := 1; ; {
		end := skipString(data, i)
		if end < 0 || end >= n || data[end] != ':' {
			return nil, false
		}

		key, ok := plainString(data[i:end])
		if !ok {
			return nil, false
		}

		if _, dup := v[key]; dup {
			return nil, false
		}

		next := skipValue(data, end+1)
		if next < 0 || next >= n {
			return nil, false
		}

		v[key] = data[end+1 : next]

		switch {
		case data[next] == ',':
			i = next + 1
		case next == n-1:
			return v, true
		default:
			return nil, false
		}
	}
}

// rawArray splits a JSON array as Marshal writes it into its elements' raw values.
func rawArray(data []byte) ([][]byte, bool) {
	n := len(data)
	if n < 2 || data[0] != '[' || data[n-1] != ']' {
		return nil, false
	}

	var items [][]byte
	if n == 2 {
		return items, true
	}

	for i := 1; ; {
		next := skipValue(data, i)
		if next < 0 || next >= n {
			return nil, false
		}

		items = append(items, data[i:next])

		switch {
		case data[next] == ',':
			i = next + 1
		case next == n-1:
			return items, true
		default:
			return nil, false
		}
	}
}

// skipValue returns the offset just past the JSON value that starts at data[i], or -1.
// Containers are only matched bracket by bracket: their members are checked when decoded.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}

	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0

		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := skipString(data, j)
				if end < 0 {
					return -1
				}

				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}

		return -1
	default:
		j := i
		for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' {
			j++
		}

		if j == i {
			return -1
		}

		return j
	}
}

// skipString returns the offset just past the JSON string that starts at data[i], or -1.
func skipString(data []byte, i int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}

	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}

	return -1
}

// plainString returns the string a raw JSON string stands for when it has no escapes, no
// control characters and is valid UTF-8 (what encoding/json would return unchanged).
func plainString(raw []byte) (string, bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return "", false
	}

	body := raw[1 : n-1]
	for _, c := range body {
		if c < 0x20 || c == '\\' || c == '"' {
			return "", false
		}
	}

	if !utf8.Valid(body) {
		return "", false
	}

	return string(body), true
}

// jsonString returns the string a raw JSON string value stands for, as encoding/json does, when
// it is valid UTF-8 and escapes no UTF-16 surrogate: Marshal escapes quotes, backslashes,
// control characters, <, >, & and U+2028/9, so Markdown and HTML are seldom plain. It declines
// (ok false) the rest — invalid UTF-8 and escaped surrogates, which encoding/json replaces or
// pairs — and the published decoder takes those.
func jsonString(raw []byte) (string, bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return "", false
	}

	body := raw[1 : n-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return plainString(raw)
	}

	out := make([]byte, 0, len(body))

	for len(body) > 0 {
		end := bytes.IndexByte(body, '\\')
		if end < 0 {
			end = len(body)
		}

		for _, c := range body[:end] {
			if c < 0x20 || c == '"' {
				return "", false
			}
		}

		out = append(out, body[:end]...)
		body = body[end:]

		if len(body) == 0 {
			break
		}

		if len(body) < 2 {
			return "", false
		}

		switch c := body[1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if len(body) < 6 {
				return "", false
			}

			var r rune

			for _, h := range body[2:6] {
				switch {
				case '0' <= h && h <= '9':
					r = r<<4 | rune(h-'0')
				case 'a' <= h && h <= 'f':
					r = r<<4 | rune(h-'a'+10)
				case 'A' <= h && h <= 'F':
					r = r<<4 | rune(h-'A'+10)
				default:
					return "", false
				}
			}

			if utf16.IsSurrogate(r) {
				return "", false
			}

			out = utf8.AppendRune(out, r)
			body = body[6:]

			continue
		default:
			return "", false
		}

		body = body[2:]
	}

	if !utf8.Valid(out) {
		return "", false
	}

	return string(out), true
}

// plainInteger reports whether raw is a JSON integer: an optional minus and digits, without
// a leading zero (strconv.ParseInt alone would also take "+1" and "01").
func plainInteger(raw []byte) bool {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}

	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return false
	}

	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}

	return true
}
