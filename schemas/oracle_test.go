package schemas

// The reference: the validation this package did with
// github.com/santhosh-tekuri/jsonschema/v5 before it compiled the schemas
// itself (validator.go), kept verbatim but for its names. The tests below
// hold the package's Validate and ValidateBounded to it: the same
// violations (pointer, keyword, message, order) and the same omissions,
// over every registry request and its variants, every generated negative,
// the golden recordings and random mutations, and under FuzzValidator.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// refSet is every embedded schema, compiled by the reference validator on
// first use.
var refSet = sync.OnceValue(refLoadSchemas)

// refSchemaSet is the reference's compiler and compiled schemas.
type refSchemaSet struct {
	names    map[string]bool
	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled sync.Map
}

// refCompiledSchema is refSet().schema.
func refCompiledSchema(file string) (*jsonschema.Schema, bool) { return refSet().schema(file) }

// refLoadSchemas adds every embedded file to a compiler. A file that cannot be
// read or added is a programming error in this package and panics here,
// never on input; TestEverySchemaCompiles compiles each one.
func refLoadSchemas() *refSchemaSet {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.Formats["int64"] = isInt64
	c.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schemas: %s is not embedded and will not be fetched", s)
	}
	names := map[string]bool{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".schema.json") {
			return nil
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if err := c.AddResource(BaseID+p, bytes.NewReader(b)); err != nil {
			return fmt.Errorf("add %s: %w", p, err)
		}
		if p != commonFile {
			names[p] = true
		}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("schemas: load embedded files: %v", err))
	}
	return &refSchemaSet{names: names, compiler: c}
}

// schema returns the compiled schema of the embedded file, compiling it
// the first time, and false when there is no such schema.
func (s *refSchemaSet) schema(file string) (*jsonschema.Schema, bool) {
	if v, ok := s.compiled.Load(file); ok {
		return v.(*jsonschema.Schema), true
	}
	if !s.names[file] {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.compiled.Load(file); ok {
		return v.(*jsonschema.Schema), true
	}
	sch, err := s.compiler.Compile(BaseID + file)
	if err != nil {
		panic(fmt.Sprintf("schemas: compile embedded %s: %v", file, err))
	}
	s.compiled.Store(file, sch)
	return sch, true
}

func refValidateFile(file string, body []byte) error {
	s, ok := refCompiledSchema(file)
	if !ok {
		return fmt.Errorf("schemas: %s: %w", file, ErrNoSchema)
	}
	doc, err := decode(body)
	if err != nil {
		return &ValidationError{Schema: file, Violations: []Violation{{
			Pointer: "", Keyword: "json", Message: err.Error(),
		}}}
	}
	err = s.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("schemas: validate against %s: %w", file, err)
	}
	return &ValidationError{Schema: file, Violations: refFlatten(ve)}
}

// refInstancePointer turns the validator's instance location, whose tokens it
// percent-encodes on top of the JSON pointer escapes, into a JSON pointer.
func refInstancePointer(loc string) string {
	toks := strings.Split(loc, "/")
	for i, tok := range toks {
		if u, err := url.PathUnescape(tok); err == nil {
			toks[i] = u
		}
	}
	return strings.Join(toks, "/")
}

// refFlatten turns the validator's tree into leaf violations. A union failure
// ("oneOf") is kept as one violation on the union member rather than split
// into the per-branch reasons, which would only say that each branch's
// member is absent.
func refFlatten(root *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		kw := path.Base(e.KeywordLocation)
		if len(e.Causes) > 0 && kw != "oneOf" {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		switch kw {
		case "required", "additionalProperties":
			// One violation per named member, pointing at that member.
			names := refQuoted.FindAllStringSubmatch(e.Message, -1)
			if len(names) == 0 {
				break
			}
			for _, n := range names {
				out = append(out, Violation{
					Pointer: refInstancePointer(e.InstanceLocation) + "/" + pointerToken(refUnquoteMember(n[1])),
					Keyword: kw,
					Message: memberMessage(kw),
				})
			}
			return
		}
		msg := e.Message
		if kw == "oneOf" {
			msg = "union must have exactly one member set, but none is"
			if strings.Contains(e.Message, "indexes") {
				msg = "union must have exactly one member set, but more than one is"
			}
		}
		out = append(out, Violation{Pointer: refInstancePointer(e.InstanceLocation), Keyword: kw, Message: msg})
	}
	walk(root)
	sortViolations(out)
	return out
}

// refUnquoteMember undoes the validator's quoting of a member name (see
// refQuoted), returning it as written in the document.
func refUnquoteMember(s string) string {
	s = strings.ReplaceAll(s, `\'`, `'`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// refQuoted matches one member name as the validator quotes it in a message:
// between single quotes, Go-escaped, with ' written \'.
var refQuoted = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

// refValidateBounded checks body against the schema of op in direction dir, as
// Validate does, for a body from an untrusted sender: what it costs follows
// the schema's own bounds and the violations it lists, not the size of the
// body, and it lists at most limit violations (at least 1), counting the
// others in the ValidationError's Omitted.
//
// It reads the body in the order an awsJson1_0 server does, deserialising
// before validating:
//
//   - Types first. Every value the schema describes (through $ref,
//     properties, additionalProperties and items) must have the JSON type the
//     schema gives it; where it says "integer", a JSON number written
//     without a fraction or an exponent, within the 32 bits of the model's
//     Integer (so 5.0, 1e2 and 2147483648 are not integers here, though
//     Validate accepts the first two). A body with a value of the wrong type
//     is reported with its "type" violations only, in document order.
//   - Then the constraints, the schema's bounds first: a list longer than
//     its maxItems, an object with more members than its maxProperties, and
//     each member that a structure (additionalProperties false) does not
//     define are reported without the validator seeing them. Only the first
//     maxItems items and maxProperties members (by name) are examined
//     further, and an unknown member's value not at all. The rest goes to
//     the validator, as in Validate.
//
// Its results are otherwise those of Validate: nil when the body conforms,
// a *ValidationError when it does not, another error when there is no such
// schema.
func refValidateBounded(op string, dir Direction, body []byte, limit int) error {
	file := FileName(op, dir)
	s, ok := refCompiledSchema(file)
	if !ok {
		return fmt.Errorf("schemas: %s: %w", file, ErrNoSchema)
	}
	if limit < 1 {
		limit = 1
	}
	doc, err := decode(body)
	if err != nil {
		return &ValidationError{Schema: file, Violations: []Violation{{Pointer: "", Keyword: "json", Message: err.Error()}}}
	}
	w := &refBoundedWalk{limit: limit}
	doc = w.walk(s, doc, true)
	if len(w.types) > 0 {
		return &ValidationError{Schema: file, Violations: w.types, Omitted: w.typesMore}
	}
	found := w.bounds
	err = s.Validate(doc)
	var ve *jsonschema.ValidationError
	switch {
	case err == nil:
	case errors.As(err, &ve):
		found = append(found, refFlatten(ve)...)
	default:
		return fmt.Errorf("schemas: validate against %s: %w", file, err)
	}
	if len(found) == 0 {
		return nil
	}
	sortViolations(found)
	omitted := w.boundsMore
	if len(found) > limit {
		omitted += len(found) - limit
		found = found[:limit:limit]
	}
	return &ValidationError{Schema: file, Violations: found, Omitted: omitted}
}

// refBoundedWalk is the state of one refValidateBounded call: it walks the
// document along the compiled schema, checking types everywhere and, where
// trimming, cutting what exceeds the schema's bounds out of the document.
type refBoundedWalk struct {
	limit int

	// types are the first limit type violations in document order;
	// typesMore counts the others.
	types     []Violation
	typesMore int

	// bounds are the violations of maxItems, maxProperties and unknown
	// members found while trimming (at most limit unknown members per
	// object, the first by name); boundsMore counts the unknown members
	// left out.
	bounds     []Violation
	boundsMore int

	// path is where the walk is, as pointer tokens: a member name, or a
	// list index when name is unset. The pointer string is built only for
	// a violation.
	path []pathToken
}

// pointer is the JSON pointer of the walk's position, with token appended
// when given.
func (w *refBoundedWalk) pointer(extra ...string) string {
	var b strings.Builder
	for _, t := range w.path {
		b.WriteByte('/')
		if t.isIndex {
			b.WriteString(strconv.Itoa(t.index))
		} else {
			b.WriteString(pointerToken(t.name))
		}
	}
	for _, e := range extra {
		b.WriteByte('/')
		b.WriteString(pointerToken(e))
	}
	return b.String()
}

func (w *refBoundedWalk) enterMember(name string) { w.path = append(w.path, pathToken{name: name}) }
func (w *refBoundedWalk) enterItem(i int) {
	w.path = append(w.path, pathToken{index: i, isIndex: true})
}
func (w *refBoundedWalk) leave() { w.path = w.path[:len(w.path)-1] }

// walk checks v, at the walk's path, against s and returns v with what exceeds
// the schema's bounds cut out when trim is set (a list is cut to its
// maxItems, an object loses its unknown members and those beyond its
// maxProperties). Without trim it only checks types, for the parts cut out.
// It goes where the schema describes values, never deeper than the schema,
// so an arbitrarily nested document costs no more than the schema's depth.
func (w *refBoundedWalk) walk(s *jsonschema.Schema, v any, trim bool) any {
	if s == nil || s.Always != nil {
		return v
	}
	if len(s.Types) > 0 {
		if msg, ok := typeMismatch(s.Types, s.Format == "int64", v); !ok {
			w.typeViolation(msg)
			return v
		}
	}
	if s.Ref != nil {
		v = w.walk(s.Ref, v, trim)
	}
	switch x := v.(type) {
	case []any:
		return w.walkArray(s, x, trim)
	case map[string]any:
		w.walkObject(s, x, trim)
	}
	return v
}

func (w *refBoundedWalk) walkArray(s *jsonschema.Schema, items []any, trim bool) []any {
	item := s.Items2020
	if item == nil {
		item, _ = s.Items.(*jsonschema.Schema)
	}
	if trim && s.MaxItems >= 0 && len(items) > s.MaxItems {
		w.bounds = append(w.bounds, Violation{Pointer: w.pointer(), Keyword: "maxItems",
			Message: fmt.Sprintf("maximum %d items required, but found %d items", s.MaxItems, len(items))})
		for i := s.MaxItems; i < len(items) && item != nil; i++ {
			w.enterItem(i)
			w.walk(item, items[i], false)
			w.leave()
		}
		items = items[:s.MaxItems:s.MaxItems]
	}
	if item == nil {
		return items
	}
	for i := range items {
		w.enterItem(i)
		items[i] = w.walk(item, items[i], trim)
		w.leave()
	}
	return items
}

func (w *refBoundedWalk) walkObject(s *jsonschema.Schema, members map[string]any, trim bool) {
	if allowed, ok := s.AdditionalProperties.(bool); trim && ok && !allowed {
		var unknown []string
		for name := range members {
			if refMemberSchema(s, name) == nil {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			sortNames(unknown)
			for i, name := range unknown {
				delete(members, name)
				if i < w.limit {
					w.bounds = append(w.bounds, Violation{Pointer: w.pointer(name), Keyword: "additionalProperties", Message: memberMessage("additionalProperties")})
				}
			}
			w.boundsMore += max(0, len(unknown)-w.limit)
		}
	}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sortNames(names)
	if trim && s.MaxProperties >= 0 && len(names) > s.MaxProperties {
		w.bounds = append(w.bounds, Violation{Pointer: w.pointer(), Keyword: "maxProperties",
			Message: fmt.Sprintf("maximum %d properties allowed, but found %d properties", s.MaxProperties, len(names))})
		for _, name := range names[s.MaxProperties:] {
			w.enterMember(name)
			w.walk(refMemberSchema(s, name), members[name], false)
			w.leave()
			delete(members, name)
		}
		names = names[:s.MaxProperties]
	}
	for _, name := range names {
		if sch := refMemberSchema(s, name); sch != nil {
			w.enterMember(name)
			members[name] = w.walk(sch, members[name], trim)
			w.leave()
		}
	}
}

// typeViolation records a value of the wrong type: the first limit, in the
// order found, which is document order (members by name, items by index).
func (w *refBoundedWalk) typeViolation(msg string) {
	if len(w.types) >= w.limit {
		w.typesMore++
		return
	}
	w.types = append(w.types, Violation{Pointer: w.pointer(), Keyword: "type", Message: msg})
}

// refMemberSchema is the schema of the member name of an object described by
// s: its property, else the first pattern property matching the name, else
// additionalProperties when that is a schema; nil when s says nothing of it.
func refMemberSchema(s *jsonschema.Schema, name string) *jsonschema.Schema {
	if p, ok := s.Properties[name]; ok {
		return p
	}
	if len(s.PatternProperties) > 0 {
		patterns := make([]*regexp.Regexp, 0, len(s.PatternProperties))
		for re := range s.PatternProperties {
			patterns = append(patterns, re)
		}
		sort.Slice(patterns, func(i, j int) bool { return patterns[i].String() < patterns[j].String() })
		for _, re := range patterns {
			if re.MatchString(name) {
				return s.PatternProperties[re]
			}
		}
	}
	if extra, ok := s.AdditionalProperties.(*jsonschema.Schema); ok {
		return extra
	}
	return nil
}
