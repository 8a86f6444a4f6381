package schemas_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vpconform/vpconform/schemas"
)

// mutation changes one member of a document. The member is named by its
// dotted member path ("updateConfiguration.cognitoUserPoolConfiguration.clientIds[0]"),
// the same form the package reports, so that a table row reads like the
// violation it expects. The empty path is the document itself.
type mutation struct {
	path  string
	value any
	del   bool
}

func set(path string, v any) mutation { return mutation{path: path, value: v} }
func del(path string) mutation        { return mutation{path: path, del: true} }

// pathTokens splits a dotted member path into object members and list
// indexes. It is written independently of schemas.MemberPath, which goes the
// other way and is tested on its own. A member path names "[i]" as an index;
// everything between dots is a member name (possibly empty: "tags." names
// the member "" of tags).
func pathTokens(p string) []any {
	if p == "" {
		return nil
	}
	var toks []any
	for _, seg := range strings.Split(p, ".") {
		name := seg
		var idx []int
		for strings.HasSuffix(name, "]") {
			open := strings.LastIndexByte(name, '[')
			if open < 0 {
				break
			}
			i, err := strconv.Atoi(name[open+1 : len(name)-1])
			if err != nil {
				break
			}
			idx = append([]int{i}, idx...)
			name = name[:open]
		}
		toks = append(toks, name)
		for _, i := range idx {
			toks = append(toks, i)
		}
	}
	return toks
}

// decodeDoc parses JSON keeping numbers exact.
func decodeDoc(t testing.TB, doc string) any {
	t.Helper()
	var v any
	if err := schemas.NewJSONDecoder([]byte(doc)).Decode(&v); err != nil {
		t.Fatalf("test document is not JSON: %v\n%s", err, doc)
	}
	return v
}

// apply returns doc with the mutations applied, as JSON. It fails the test
// when a mutation names a place that does not exist in the document (so that
// a typo in a table row cannot silently test nothing).
func apply(t testing.TB, doc string, muts ...mutation) []byte {
	t.Helper()
	root := decodeDoc(t, doc)
	for _, m := range muts {
		root = applyOne(t, root, m)
	}
	b, err := json.Marshal(root)
	if err != nil {
		t.Fatalf("marshal mutated document: %v", err)
	}
	return b
}

func applyOne(t testing.TB, root any, m mutation) any {
	t.Helper()
	toks := pathTokens(m.path)
	if len(toks) == 0 {
		if m.del {
			t.Fatalf("cannot delete the document itself")
		}
		return m.value
	}
	parent := root
	for _, tok := range toks[:len(toks)-1] {
		switch tok := tok.(type) {
		case string:
			obj, ok := parent.(map[string]any)
			if !ok {
				t.Fatalf("mutation %q: %q is not inside an object", m.path, tok)
			}
			if parent, ok = obj[tok]; !ok {
				t.Fatalf("mutation %q: no member %q in the base document", m.path, tok)
			}
		case int:
			arr, ok := parent.([]any)
			if !ok || tok >= len(arr) {
				t.Fatalf("mutation %q: no index %d in the base document", m.path, tok)
			}
			parent = arr[tok]
		}
	}
	switch last := toks[len(toks)-1].(type) {
	case string:
		obj, ok := parent.(map[string]any)
		if !ok {
			t.Fatalf("mutation %q: parent is not an object", m.path)
		}
		if m.del {
			if _, ok := obj[last]; !ok {
				t.Fatalf("mutation %q: nothing to delete", m.path)
			}
			delete(obj, last)
		} else {
			obj[last] = m.value
		}
	case int:
		arr, ok := parent.([]any)
		if !ok || last >= len(arr) || m.del {
			t.Fatalf("mutation %q: cannot change index %d", m.path, last)
		}
		arr[last] = m.value
	}
	return root
}

// violations validates body and returns the violations, failing the test on
// any error that is not a *schemas.ValidationError.
func violations(t testing.TB, op string, dir schemas.Direction, body []byte) []schemas.Violation {
	t.Helper()
	err := schemas.Validate(op, dir, body)
	if err == nil {
		return nil
	}
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate(%s, %s) = %v (%T), want nil or a *schemas.ValidationError", op, dir, err, err)
	}
	if len(ve.Violations) == 0 {
		t.Fatalf("Validate(%s, %s) returned a ValidationError without violations", op, dir)
	}
	return ve.Violations
}

func mustValidate(t testing.TB, op string, dir schemas.Direction, body []byte) {
	t.Helper()
	if vs := violations(t, op, dir, body); len(vs) > 0 {
		t.Errorf("%s %s: want valid, got %s\nbody: %s", op, dir, describe(vs), clip(body))
	}
}

func describe(vs []schemas.Violation) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, fmt.Sprintf("(%q, %s: %s)", v.Path(), v.Keyword, v.Message))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// clip shortens a body for a failure message.
func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// cycle returns exactly n runes: s repeated and cut. It builds boundary
// values (a maxLength of n passes, n+1 fails) from a realistic seed.
func cycle(s string, n int) string {
	if n <= 0 {
		return ""
	}
	rs := []rune(s)
	out := make([]rune, n)
	for i := range out {
		out[i] = rs[i%len(rs)]
	}
	return string(out)
}

// withPrefix returns exactly n runes: prefix followed by fill repeated.
func withPrefix(prefix, fill string, n int) string {
	k := n - utf8.RuneCountInString(prefix)
	if k < 0 {
		panic(fmt.Sprintf("withPrefix: %q is longer than %d runes", prefix, n))
	}
	return prefix + cycle(fill, k)
}

// list returns n values made by f.
func list(n int, f func(i int) any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// object returns an object with n members made by f.
func object(n int, f func(i int) (string, any)) map[string]any {
	out := make(map[string]any, n)
	for i := 0; i < n; i++ {
		k, v := f(i)
		out[k] = v
	}
	return out
}

// raw parses a JSON fragment for use as a mutation value.
func raw(t testing.TB, s string) any { return decodeDoc(t, s) }

var indexRE = regexp.MustCompile(`\[\d+\]`)

// template turns a member path into the form the schema walk produces: list
// indexes become "[]".
func template(p string) string { return indexRE.ReplaceAllString(p, "[]") }

// unservedOperation is an operation of the model that has no schema, taken
// from the registry so that serving one more operation breaks no test.
func unservedOperation(t testing.TB) string {
	t.Helper()
	ops := schemas.Default().Unserved()
	if len(ops) == 0 {
		t.Fatal("the registry serves every operation of the model: no operation without schema is left to test with")
	}
	if schemas.Has(ops[0], schemas.Input) || schemas.Has(ops[0], schemas.Output) {
		t.Fatalf("unserved operation %s has a schema", ops[0])
	}
	return ops[0]
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
