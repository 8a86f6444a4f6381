package schemas_test

import (
	"encoding/json"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vpconform/vpconform/schemas"
)

// walker lists the constraints of a schema by walking its JSON, following
// "$ref" into the file it names. Each constraint is a key
// "<member path>:<keyword>" in the form constraintCase.coverageKey gives:
// list items as "[]", map values as ".*", map member names as ".{}", a
// required member at the member, additionalProperties:false at the object.
//
// A recursive shape (AttributeValue, whose set and record hold
// AttributeValues) is walked once per path: a "$ref" to a definition the
// walk is already inside is not followed again, since what it would list
// are the same constraints, one level deeper. TestRecursiveAttributeValue
// shows the validator enforces them at every depth.
type walker struct {
	t         testing.TB
	docs      map[string]any
	keys      map[string]bool
	vacuous   []string        // bounds of zero, which no document can break
	inside    map[string]bool // the "$ref" targets the walk is inside
	recursive []string        // member paths where a recursive "$ref" was not followed
}

func newWalker(t testing.TB) *walker {
	return &walker{t: t, docs: map[string]any{}, keys: map[string]bool{}, inside: map[string]bool{}}
}

func (w *walker) doc(file string) any {
	if d, ok := w.docs[file]; ok {
		return d
	}
	b, err := schemas.Source(file)
	if err != nil {
		w.t.Fatalf("walk: %v", err)
	}
	var d any
	if err := json.Unmarshal(b, &d); err != nil {
		w.t.Fatalf("walk: %s: %v", file, err)
	}
	w.docs[file] = d
	return d
}

// resolve follows ref, written in file, to the file and node it names. It
// returns as well the target's absolute name, "<file>#<fragment>", the same
// whichever file the reference is written in.
func (w *walker) resolve(file, ref string) (string, any, string) {
	target, frag, _ := strings.Cut(ref, "#")
	if target != "" {
		file = path.Clean(path.Join(path.Dir(file), target))
	}
	node := w.doc(file)
	name := file + "#" + frag
	if frag == "" {
		return file, node, name
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		obj, ok := node.(map[string]any)
		if !ok {
			w.t.Fatalf("walk: %s: $ref %q does not resolve", file, ref)
		}
		if node, ok = obj[tok]; !ok {
			w.t.Fatalf("walk: %s: $ref %q does not resolve", file, ref)
		}
	}
	return file, node, name
}

func (w *walker) add(p, kw string) { w.keys[p+":"+kw] = true }

func (w *walker) walk(file string, node any, p string, depth int) {
	if depth > 50 {
		w.t.Fatalf("walk: %s: $ref chain too deep at %q", file, p)
	}
	obj, ok := node.(map[string]any)
	if !ok {
		w.t.Fatalf("walk: %s: schema at %q is not an object", file, p)
	}
	for _, kw := range sortedKeys(obj) {
		v := obj[kw]
		switch kw {
		case "$schema", "$id", "$defs", "title", "description", "default", "$comment":
			// Annotations: no constraint.
		case "$ref":
			f, n, name := w.resolve(file, v.(string))
			if w.inside[name] {
				w.recursive = append(w.recursive, p)
				continue
			}
			w.inside[name] = true
			w.walk(f, n, p, depth+1)
			delete(w.inside, name)
		case "type", "pattern", "enum", "const", "format", "maxLength", "maxItems", "maxProperties",
			"maximum", "exclusiveMinimum", "exclusiveMaximum", "uniqueItems":
			w.add(p, kw)
		case "minLength", "minItems", "minProperties", "minimum":
			if n, _ := v.(float64); n == 0 && kw != "minimum" {
				w.vacuous = append(w.vacuous, p+":"+kw)
				continue
			}
			w.add(p, kw)
		case "required":
			for _, m := range v.([]any) {
				w.add(join(p, m.(string)), "required")
			}
		case "properties":
			props := v.(map[string]any)
			for _, m := range sortedKeys(props) {
				w.walk(file, props[m], join(p, m), depth)
			}
		case "additionalProperties":
			switch v := v.(type) {
			case bool:
				if !v {
					w.add(p, kw)
				}
			default:
				w.walk(file, v, p+".*", depth)
			}
		case "propertyNames":
			w.walk(file, v, p+".{}", depth)
		case "items":
			w.walk(file, v, p+"[]", depth)
		case "oneOf":
			// A union: each branch must require exactly one declared
			// member, so the union's one constraint is "exactly one set".
			props, _ := obj["properties"].(map[string]any)
			for _, br := range v.([]any) {
				br, _ := br.(map[string]any)
				req, _ := br["required"].([]any)
				if len(br) != 1 || len(req) != 1 || props[req[0].(string)] == nil {
					w.t.Errorf("walk: %s: oneOf at %q has a branch that is not {required:[member]}: %v", file, p, br)
				}
			}
			w.add(p, kw)
		default:
			w.t.Errorf("walk: %s: keyword %q at %q is not understood; teach the walk and add table rows", file, kw, p)
		}
	}
}

// constraintsOf walks the schema of op in dir.
func constraintsOf(t testing.TB, op string, dir schemas.Direction) *walker {
	w := newWalker(t)
	f := schemas.FileName(op, dir)
	w.walk(f, w.doc(f), "", 0)
	return w
}

// TestConstraintCoverage walks each schema the table covers and checks that
// every constraint it encodes has a row in constraintCases, and that every
// row covers a constraint the schema encodes. Adding a constraint to a
// schema without a row, or a row for a constraint that is not there, fails.
func TestConstraintCoverage(t *testing.T) {
	covered := map[string]map[string]int{}
	for _, c := range constraintCases(t) {
		k := c.op + "." + string(c.dir)
		if covered[k] == nil {
			covered[k] = map[string]int{}
		}
		covered[k][c.coverageKey()]++
	}
	type target struct {
		op  string
		dir schemas.Direction
	}
	targets := []target{
		{"GetIdentitySource", schemas.Input}, {"UpdateIdentitySource", schemas.Input},
		{"GetIdentitySource", schemas.Output}, {"UpdateIdentitySource", schemas.Output},
	}
	for _, op := range schemas.Operations() {
		if op != "GetIdentitySource" && op != "UpdateIdentitySource" {
			targets = append(targets, target{op, schemas.Input})
		}
	}
	total := 0
	for _, tg := range targets {
		k := tg.op + "." + string(tg.dir)
		w := constraintsOf(t, tg.op, tg.dir)
		rows := covered[k]
		byKw := map[string]int{}
		for key := range w.keys {
			kw := key[strings.LastIndexByte(key, ':')+1:]
			byKw[kw]++
			if rows[key] == 0 {
				t.Errorf("%s: constraint %s has no table row", k, key)
			}
		}
		for key := range rows {
			if !w.keys[key] {
				t.Errorf("%s: table row for %s, which the schema does not encode", k, key)
			}
		}
		n := 0
		for _, c := range rows {
			n += c
		}
		var parts []string
		for _, kw := range sortedKeys(byKw) {
			parts = append(parts, kw+"="+strconv.Itoa(byKw[kw]))
		}
		t.Logf("%-32s %3d constraints, %3d rows (%s); %d vacuous bounds skipped: %s; %d recursive references not followed again: %s",
			k, len(w.keys), n, strings.Join(parts, " "), len(w.vacuous), strings.Join(w.vacuous, ", "),
			len(w.recursive), strings.Join(w.recursive, ", "))
		total += len(w.keys)
	}
	t.Logf("total: %d constraints", total)

	// The two operations the kit centres on must have been walked at all.
	for _, k := range []string{"GetIdentitySource.input", "UpdateIdentitySource.input"} {
		if len(covered[k]) == 0 {
			t.Errorf("%s: no table rows", k)
		}
	}
}

// TestWalkFindsKnownConstraints guards the walk itself: a few constraints
// it must report, reached only through $ref chains.
func TestWalkFindsKnownConstraints(t *testing.T) {
	w := constraintsOf(t, "UpdateIdentitySource", schemas.Input)
	for _, key := range []string{
		"policyStoreId:required",
		"policyStoreId:pattern",
		":additionalProperties",
		"updateConfiguration:oneOf",
		"updateConfiguration.cognitoUserPoolConfiguration.userPoolArn:pattern",
		"updateConfiguration.cognitoUserPoolConfiguration.clientIds:maxItems",
		"updateConfiguration.cognitoUserPoolConfiguration.clientIds[]:maxLength",
		"updateConfiguration.openIdConnectConfiguration.tokenSelection:oneOf",
		"updateConfiguration.openIdConnectConfiguration.tokenSelection.accessTokenOnly.audiences:minItems",
		"updateConfiguration.openIdConnectConfiguration.groupConfiguration.groupClaim:required",
	} {
		if !w.keys[key] {
			t.Errorf("walk did not find %s", key)
		}
	}
	if !slices.Contains(w.vacuous, "updateConfiguration.cognitoUserPoolConfiguration.clientIds:minItems") {
		t.Errorf("walk did not report clientIds minItems 0 as vacuous: %q", w.vacuous)
	}
	if w.keys["updateConfiguration.openIdConnectConfiguration.groupConfiguration.groupClaim:maxLength"] {
		t.Error("walk reports a maxLength on Claim, which has none")
	}
	if len(w.keys) < 50 {
		t.Errorf("walk found only %d constraints in UpdateIdentitySource input", len(w.keys))
	}
}
