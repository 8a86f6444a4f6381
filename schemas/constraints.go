package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Constraint is one breakable constraint of a schema, found by walking the
// schema's JSON (following "$ref"). Constraints lists them so that negative
// requests can be generated from the schemas instead of by hand.
type Constraint struct {
	// Pointer is a JSON pointer template of the constrained member: list
	// items are written "/-", map values "/*" and map member names "/{}".
	// For "required" it points at the missing member; for
	// "additionalProperties" and "oneOf" at the object itself.
	Pointer string
	// Path is the member path as a ValidationException's fieldList writes
	// it (see MemberPath), with the first list item written "[0]", map
	// values ".*" and map member names ".{}". Empty for the document.
	Path string
	// Keyword is the schema keyword: "required", "minLength", "maxLength",
	// "pattern", "enum", "const", "format", "minItems", "maxItems",
	// "minProperties", "maxProperties", "minimum", "maximum", "oneOf" or
	// "additionalProperties" (an unknown member). "type" is never listed: a
	// value of the wrong JSON type is a serialization error, not a
	// validation case.
	Keyword string
	// Case distinguishes the two ways of breaking a union ("oneOf"): "none"
	// (no member set) and "both" (more than one set). Empty otherwise.
	Case string
	// Value is the keyword's argument: the bound as an int64 for lengths,
	// item counts and minimum, the pattern string, the enum values as
	// []any, the required member's name, the union's member names as
	// []string, false for additionalProperties.
	Value any
	// Implied lists keywords that necessarily fail together with Keyword at
	// the same member: a minLength of 1 on a string whose pattern rejects
	// the empty string cannot be broken alone.
	Implied []string
}

// Name is Keyword, or for a union "oneOf-none" and "oneOf-both".
func (c Constraint) Name() string {
	if c.Case != "" {
		return c.Keyword + "-" + c.Case
	}
	return c.Keyword
}

// String renders the constraint as "path:name", "(document)" for the root.
func (c Constraint) String() string {
	p := c.Path
	if p == "" {
		p = "(document)"
	}
	return p + ":" + c.Name()
}

// Constraints walks the schema of op in direction dir and returns every
// constraint it encodes that a JSON document of the right types can break,
// sorted by Pointer then Name. Bounds of zero (minLength 0, minItems 0,
// minProperties 0), which no document breaks, and "type" are left out.
//
// A recursive shape (AttributeValue, whose set and record hold
// AttributeValues) is listed once per path: a "$ref" to a definition the
// walk is already inside is not followed again, since it would list the
// same constraints one level deeper, without end.
func Constraints(op string, dir Direction) ([]Constraint, error) {
	w := &constraintWalk{docs: map[string]any{}, inside: map[string]bool{}}
	file := FileName(op, dir)
	root, err := w.doc(file)
	if err != nil {
		return nil, err
	}
	if err := w.walk(file, root, "", "", 0); err != nil {
		return nil, fmt.Errorf("schemas: walk %s: %w", file, err)
	}
	w.imply()
	sort.SliceStable(w.out, func(i, j int) bool {
		if w.out[i].Pointer != w.out[j].Pointer {
			return w.out[i].Pointer < w.out[j].Pointer
		}
		return w.out[i].Name() < w.out[j].Name()
	})
	return w.out, nil
}

// constraintWalk is the state of one Constraints call.
type constraintWalk struct {
	docs map[string]any
	out  []Constraint
	// inside holds the "$ref" targets ("<file>#<fragment>") the walk is
	// inside.
	inside map[string]bool
}

func (w *constraintWalk) doc(file string) (any, error) {
	if d, ok := w.docs[file]; ok {
		return d, nil
	}
	b, err := Source(file)
	if err != nil {
		return nil, err
	}
	var d any
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("schemas: %s: %w", file, err)
	}
	w.docs[file] = d
	return d, nil
}

// resolve follows ref, written in file, to the file and node it names.
func (w *constraintWalk) resolve(file, ref string) (string, any, error) {
	file, frag := refTarget(file, ref)
	node, err := w.doc(file)
	if err != nil {
		return "", nil, err
	}
	if frag == "" {
		return file, node, nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		obj, ok := node.(map[string]any)
		if !ok {
			return "", nil, fmt.Errorf("%s: $ref %q does not resolve", file, ref)
		}
		if node, ok = obj[tok]; !ok {
			return "", nil, fmt.Errorf("%s: $ref %q does not resolve", file, ref)
		}
	}
	return file, node, nil
}

// refTarget is the file ref, written in file, names, and the fragment
// within it.
func refTarget(file, ref string) (string, string) {
	target, frag, _ := strings.Cut(ref, "#")
	if target != "" {
		file = path.Clean(path.Join(path.Dir(file), target))
	}
	return file, frag
}

func (w *constraintWalk) add(ptr, p, kw string, v any) {
	w.out = append(w.out, Constraint{Pointer: ptr, Path: p, Keyword: kw, Value: v})
}

func dotted(p, member string) string {
	if p == "" {
		return member
	}
	return p + "." + member
}

// walk adds the constraints of node, the schema of the member at pointer
// ptr and member path p.
func (w *constraintWalk) walk(file string, node any, ptr, p string, depth int) error {
	if depth > 50 {
		return fmt.Errorf("%s: $ref chain too deep at %q", file, ptr)
	}
	obj, ok := node.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: schema at %q is not an object", file, ptr)
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, kw := range keys {
		v := obj[kw]
		switch kw {
		case "$schema", "$id", "$defs", "title", "description", "default", "$comment", "type":
			// Annotations, and the type, which is not a validation case.
		case "$ref":
			ref, _ := v.(string)
			f, frag := refTarget(file, ref)
			name := f + "#" + frag
			if w.inside[name] {
				continue // recursive: listed where the walk entered it
			}
			f, n, err := w.resolve(file, ref)
			if err != nil {
				return err
			}
			w.inside[name] = true
			err = w.walk(f, n, ptr, p, depth+1)
			delete(w.inside, name)
			if err != nil {
				return err
			}
		case "pattern":
			w.add(ptr, p, kw, v)
		case "enum", "const", "format":
			w.add(ptr, p, kw, v)
		case "minLength", "minItems", "minProperties", "maxLength", "maxItems", "maxProperties", "minimum", "maximum":
			n, ok := v.(float64)
			if !ok || n != float64(int64(n)) {
				return fmt.Errorf("%s: %s at %q is not an integer", file, kw, ptr)
			}
			if n == 0 && strings.HasPrefix(kw, "min") && kw != "minimum" {
				continue // cannot be broken
			}
			w.add(ptr, p, kw, int64(n))
		case "exclusiveMinimum", "exclusiveMaximum", "uniqueItems":
			w.add(ptr, p, kw, v)
		case "required":
			list, _ := v.([]any)
			for _, m := range list {
				name, _ := m.(string)
				w.add(ptr+"/"+pointerToken(name), dotted(p, name), kw, name)
			}
		case "properties":
			props, _ := v.(map[string]any)
			names := make([]string, 0, len(props))
			for m := range props {
				names = append(names, m)
			}
			sort.Strings(names)
			for _, m := range names {
				if err := w.walk(file, props[m], ptr+"/"+pointerToken(m), dotted(p, m), depth); err != nil {
					return err
				}
			}
		case "additionalProperties":
			switch v := v.(type) {
			case bool:
				if !v {
					w.add(ptr, p, kw, false)
				}
			default:
				if err := w.walk(file, v, ptr+"/*", dotted(p, "*"), depth); err != nil {
					return err
				}
			}
		case "propertyNames":
			if err := w.walk(file, v, ptr+"/{}", dotted(p, "{}"), depth); err != nil {
				return err
			}
		case "items":
			if err := w.walk(file, v, ptr+"/-", p+"[0]", depth); err != nil {
				return err
			}
		case "oneOf":
			branches, _ := v.([]any)
			var members []string
			for _, br := range branches {
				br, _ := br.(map[string]any)
				req, _ := br["required"].([]any)
				if len(br) != 1 || len(req) != 1 {
					return fmt.Errorf("%s: oneOf at %q has a branch that is not {required:[member]}", file, ptr)
				}
				name, _ := req[0].(string)
				members = append(members, name)
			}
			for _, c := range []string{"none", "both"} {
				w.out = append(w.out, Constraint{Pointer: ptr, Path: p, Keyword: kw, Case: c, Value: members})
			}
		default:
			return fmt.Errorf("%s: keyword %q at %q is not understood", file, kw, ptr)
		}
	}
	return nil
}

// imply fills Implied: a minimum length whose only shorter values all break
// the member's pattern too.
func (w *constraintWalk) imply() {
	patterns := map[string][]string{}
	for _, c := range w.out {
		if c.Keyword == "pattern" {
			if s, ok := c.Value.(string); ok {
				patterns[c.Pointer] = append(patterns[c.Pointer], s)
			}
		}
	}
	for i, c := range w.out {
		if c.Keyword != "minLength" || c.Value != int64(1) {
			continue
		}
		for _, p := range patterns[c.Pointer] {
			re, err := regexp.Compile(p)
			if err == nil && !re.MatchString("") {
				w.out[i].Implied = append(w.out[i].Implied, "pattern")
				break
			}
		}
	}
}

// ErrNotBrokenAlone is returned (wrapped) by CheckBreaks when a document
// breaks more or other constraints than the one it was meant to break.
var ErrNotBrokenAlone = errors.New("document does not break exactly that constraint")

// CheckBreaks reports whether body, checked against the schema of op in
// dir, breaks exactly the constraint c at member path: one violation at path
// with c's keyword (plus one per keyword in c.Implied, at the same path) and
// nothing else. path is the concrete member path, which for
// "additionalProperties" names the unknown member.
func CheckBreaks(op string, dir Direction, body []byte, c Constraint, path string) error {
	err := Validate(op, dir, body)
	if err == nil {
		return fmt.Errorf("schemas: %s conforms to %s, want a violation of %s: %w", truncate(body), FileName(op, dir), c, ErrNotBrokenAlone)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	want := map[string]bool{c.Keyword: true}
	for _, k := range c.Implied {
		want[k] = true
	}
	got := map[string]bool{}
	for _, v := range ve.Violations {
		if v.Path() != path || !want[v.Keyword] || got[v.Keyword] {
			return fmt.Errorf("schemas: %s breaks more than %s at %q: %v: %w", truncate(body), c, path, ve, ErrNotBrokenAlone)
		}
		got[v.Keyword] = true
	}
	if !got[c.Keyword] {
		return fmt.Errorf("schemas: %s does not break %s at %q: %v: %w", truncate(body), c, path, ve, ErrNotBrokenAlone)
	}
	return nil
}

func truncate(b []byte) string {
	s := string(b)
	if utf8.RuneCountInString(s) > 200 {
		r := []rune(s)
		s = string(r[:200]) + "…"
	}
	return s
}
