package schemas

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// decode parses one JSON value, keeping numbers exact (json.Number), and
// refuses trailing data. Its results are encoding/json's: a body of
// ASCII without escapes, which is what clients send, is read in one pass
// of a pooled jsontext decoder; any other body, and any body the fast pass
// does not take, is read by encoding/json, which words the errors.
// TestDecodeAgreesWithEncodingJSON and FuzzDecode hold the two to the same
// values.
func decode(body []byte) (any, error) { return decodeInto(body, nil) }

// decodeInto is decode taking the objects of the fast pass from sc, when
// given, so that they can be reused once the value is no longer needed.
func decodeInto(body []byte, sc *scratch) (any, error) {
	if v, ok := decodeFast(body, sc); ok {
		return v, nil
	}
	dec := NewJSONDecoder(body)
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("body is not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("body is not JSON: data after the first value")
	}
	return v, nil
}

// fastDecoder is a reusable jsontext decoder and the reader it reads.
type fastDecoder struct {
	r   bytes.Reader
	dec jsontext.Decoder
}

var fastDecoders = sync.Pool{New: func() any { return new(fastDecoder) }}

// maxFastDepth bounds the nesting decodeFast follows; deeper bodies go to
// encoding/json.
const maxFastDepth = 128

// decodeFast decodes a body of printable ASCII without backslashes, where
// every JSON string is its bytes as written, so that the value cannot
// differ from encoding/json's; it reports false for any other body or any
// error, leaving those to encoding/json.
func decodeFast(body []byte, sc *scratch) (any, bool) {
	for _, b := range body {
		if b >= 0x80 || b == '\\' {
			return nil, false
		}
	}
	fd := fastDecoders.Get().(*fastDecoder)
	defer fastDecoders.Put(fd)
	fd.r.Reset(body)
	fd.dec.Reset(&fd.r, jsontext.AllowDuplicateNames(true))
	v, ok := readFast(&fd.dec, sc, 0)
	if !ok {
		return nil, false
	}
	if _, err := fd.dec.ReadToken(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// readFast reads one value from dec.
func readFast(dec *jsontext.Decoder, sc *scratch, depth int) (any, bool) {
	if depth > maxFastDepth {
		return nil, false
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, false
	}
	switch tok.Kind() {
	case 'n':
		return nil, true
	case 't':
		return true, true
	case 'f':
		return false, true
	case '"':
		return tok.String(), true
	case '0':
		return json.Number(tok.String()), true
	case '{':
		obj := sc.newMap()
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil || name.Kind() != '"' {
				return nil, false
			}
			key := name.String()
			v, ok := readFast(dec, sc, depth+1)
			if !ok {
				return nil, false
			}
			obj[key] = v
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, false
		}
		return obj, true
	case '[':
		list := []any{}
		for dec.PeekKind() != ']' {
			v, ok := readFast(dec, sc, depth+1)
			if !ok {
				return nil, false
			}
			list = append(list, v)
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, false
		}
		return list, true
	}
	return nil, false
}

// scratch is memory one validation reuses from the last: the objects of
// the decoded body, the walk's path and its buffer of member names. A
// validation takes one with getScratch and gives it back with release,
// when nothing it decoded is referenced any more.
type scratch struct {
	free, used []map[string]any
	path       []pathToken
	names      []string
}

var scratches = sync.Pool{New: func() any { return &scratch{path: make([]pathToken, 0, 8)} }}

func getScratch() *scratch { return scratches.Get().(*scratch) }

// maxReusedMap is the size above which an object's map is not kept for
// reuse, so that one huge body does not pin its memory.
const maxReusedMap = 64

// newMap is an empty map, reused when sc has one (sc may be nil).
func (sc *scratch) newMap() map[string]any {
	if sc == nil {
		return map[string]any{}
	}
	var m map[string]any
	if k := len(sc.free); k > 0 {
		m, sc.free = sc.free[k-1], sc.free[:k-1]
	} else {
		m = map[string]any{}
	}
	sc.used = append(sc.used, m)
	return m
}

// release empties what sc handed out and returns it to the pool.
func (sc *scratch) release() {
	for _, m := range sc.used {
		if len(m) <= maxReusedMap && len(sc.free) < 256 {
			clear(m)
			sc.free = append(sc.free, m)
		}
	}
	clear(sc.used)
	sc.used = sc.used[:0]
	clear(sc.names)
	sc.names = sc.names[:0]
	sc.path = sc.path[:0]
	scratches.Put(sc)
}

// decodeSchemaFile decodes an embedded schema file, which the package
// trusts, in one jsontext pass (escapes and all), numbers as json.Number.
func decodeSchemaFile(b []byte) (any, error) {
	var dec jsontext.Decoder
	dec.Reset(bytes.NewReader(b))
	v, ok := readFast(&dec, nil, 0)
	if !ok {
		return nil, errors.New("not a JSON document jsontext reads")
	}
	return v, nil
}
