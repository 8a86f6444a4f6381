package schemas

import (
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// schemaPatterns is every "pattern" in the embedded files.
func schemaPatterns(t testing.TB) []string {
	t.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "pattern" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, f := range Files() {
		b, err := Source(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(doc)
	}
	return out
}

// TestEveryPatternCompiles compiles each pattern of the files, which the
// validator compiles only when a string first needs it.
func TestEveryPatternCompiles(t *testing.T) {
	patterns := schemaPatterns(t)
	if len(patterns) < 20 {
		t.Fatalf("found %d patterns in the schema files, want at least 20", len(patterns))
	}
	for _, src := range patterns {
		if _, err := regexp.Compile(src); err != nil {
			t.Errorf("pattern %q does not compile: %v", src, err)
		}
	}
}

func TestSimplePatternsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	simple := 0
	for _, src := range schemaPatterns(t) {
		p := simplePattern(src)
		if p == nil {
			continue
		}
		simple++
		re := regexp.MustCompile(src)
		tries := []string{"", p.prefix, p.prefix + "a", "ü", p.prefix + "ü", "\n", p.prefix + "\n", "a\n", "-", "/", "_", "=", "."}
		for range 3000 {
			var b strings.Builder
			if rng.IntN(2) == 0 {
				b.WriteString(p.prefix)
			}
			for range rng.IntN(8) {
				b.WriteByte(byte(rng.IntN(128)))
			}
			tries = append(tries, b.String())
		}
		for _, s := range tries {
			want := re.MatchString(s)
			got, sure := p.match(s)
			if sure && got != want {
				t.Errorf("pattern %q on %q: table says %v, regexp says %v", src, s, got, want)
			}
			n := &node{patternFast: p}
			n.pattern.src = src
			if matchPattern(n, s) != want {
				t.Errorf("pattern %q on %q: matchPattern says %v, regexp says %v", src, s, !want, want)
			}
		}
	}
	if simple < 5 {
		t.Errorf("%d patterns have the simple form, want at least 5 (the fast path is not used)", simple)
	}
	for _, src := range []string{`^a|b$`, `^[a-z]{2}$`, `^(?i)abc[a-z]*$`, `abc`, `^[a-z]*`} {
		if p := simplePattern(src); p != nil {
			t.Errorf("simplePattern(%q) = %+v, want nil: it is not of the simple form", src, p)
		}
	}
}

// referenceDecode is encoding/json's reading of a body, as decode falls
// back to it.
func referenceDecode(body []byte) (any, error) {
	dec := NewJSONDecoder(body)
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// checkDecode fails t when decodeFast takes body and reads another value
// than encoding/json, or takes a body encoding/json refuses.
func checkDecode(t *testing.T, body []byte) bool {
	t.Helper()
	sc := getScratch()
	defer sc.release()
	_, _ = decodeFast([]byte(`{"a":{"b":{}},"c":[{}]}`), sc) // maps to reuse
	sc.release()
	sc = getScratch()
	got, ok := decodeFast(body, sc)
	if !ok {
		return false
	}
	want, err := referenceDecode(body)
	if err != nil {
		t.Errorf("decodeFast took %q, which encoding/json refuses: %v", body, err)
		return true
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decodeFast(%q) differs from encoding/json (-want +got):\n%s", body, d)
	}
	return true
}

func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	taken := 0
	for _, body := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-1.5e3`, `"x"`, ` {"a" : [1, 2.0, {"b":null}] } `,
		`{"a":1,"a":2}`, `{"a":{}}{}`, `{"a":}`, `{"a" 1}`, `[1,]`, `01`, `"\u0041"`, `"é"`, `{"a":"b"`, `nul`,
		"\"a\tb\"", `{"x":1e999999999}`, strings.Repeat("[", 200) + strings.Repeat("]", 200),
	} {
		if checkDecode(t, []byte(body)) {
			taken++
		}
	}
	for _, op := range Operations() {
		reqs, err := Requests(op, DefaultRequestValues())
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			b, _ := json.Marshal(r)
			if checkDecode(t, b) {
				taken++
			}
		}
	}
	if taken < 20 {
		t.Errorf("decodeFast took %d bodies, want at least 20: the fast path is not used", taken)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":"c"}],"d":null}`, `[1,2]`, `{"a":1,"a":2}`, `1e5`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecode(t, body)
	})
}
