package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// BaseID is the prefix of every schema's "$id". Schemas are resolved from the
// embedded files only; nothing is ever fetched over the network.
const BaseID = "https://vpconform.dev/schemas/"

// Direction says which side of an exchange a body belongs to.
type Direction string

const (
	// Input is a request body.
	Input Direction = "input"
	// Output is a successful response body.
	Output Direction = "output"
)

//go:embed *.schema.json errors/*.schema.json
var files embed.FS

// set is every embedded schema, compiled on first use: a program (vpfake)
// that validates two operations compiles their schemas, not all of them,
// and starts without paying for the rest.
var set = sync.OnceValue(loadSchemas)

// schemaSet holds the embedded schema files, keyed by their names relative
// to the schemas directory ("GetIdentitySource.input.schema.json",
// "errors/ResourceNotFoundException.schema.json"), and each one's compiled
// schema once something has asked for it.
type schemaSet struct {
	// names are the files that are schemas of their own (common.schema.json,
	// which only holds definitions, is not one).
	names map[string]bool

	mu       sync.Mutex // guards compiler, which is not safe for concurrent use
	compiler *jsonschema.Compiler
	compiled sync.Map // file name → *jsonschema.Schema
}

// loadSchemas adds every embedded file to a compiler. A file that cannot be
// read or added is a programming error in this package and panics here,
// never on input; TestEverySchemaCompiles compiles each one.
func loadSchemas() *schemaSet {
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
	return &schemaSet{names: names, compiler: c}
}

// schema returns the compiled schema of the embedded file, compiling it
// the first time, and false when there is no such schema.
func (s *schemaSet) schema(file string) (*jsonschema.Schema, bool) {
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

// compiledSchema is set().schema.
func compiledSchema(file string) (*jsonschema.Schema, bool) { return set().schema(file) }

const commonFile = "common.schema.json"

// FileName is the embedded file holding the schema of op in direction dir.
func FileName(op string, dir Direction) string {
	return op + "." + string(dir) + ".schema.json"
}

// ErrorFileName is the embedded file holding the schema of the error shape.
func ErrorFileName(shape string) string {
	return "errors/" + shape + ".schema.json"
}

// Operations lists, sorted, every operation that has an input schema.
func Operations() []string {
	var ops []string
	for n := range set().names {
		if op, ok := strings.CutSuffix(n, "."+string(Input)+".schema.json"); ok && !strings.Contains(op, "/") {
			ops = append(ops, op)
		}
	}
	sort.Strings(ops)
	return ops
}

// ErrorShapes lists, sorted, every error shape that has a schema.
func ErrorShapes() []string {
	var shapes []string
	for n := range set().names {
		if s, ok := strings.CutPrefix(n, "errors/"); ok {
			shapes = append(shapes, strings.TrimSuffix(s, ".schema.json"))
		}
	}
	sort.Strings(shapes)
	return shapes
}

// Has reports whether there is a schema for op in direction dir.
func Has(op string, dir Direction) bool {
	return set().names[FileName(op, dir)]
}

// HasError reports whether there is a schema for the error shape.
func HasError(shape string) bool {
	return set().names[ErrorFileName(shape)]
}

// Source returns the raw text of an embedded schema file, such as
// "UpdateIdentitySource.input.schema.json" or "common.schema.json".
func Source(file string) ([]byte, error) {
	b, err := files.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: %w", file, err)
	}
	return b, nil
}

// Files lists every embedded schema file, sorted.
func Files() []string {
	var out []string
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// ErrNoSchema is returned (wrapped) when no schema exists for what was asked.
var ErrNoSchema = errors.New("no schema")

// Validate checks body, a JSON document, against the schema of operation op
// in direction dir. It returns nil when the body conforms, a
// *ValidationError listing every violation when it does not, and another
// error when there is no such schema or the body is not JSON.
func Validate(op string, dir Direction, body []byte) error {
	return validateFile(FileName(op, dir), body)
}

// ValidateError checks body against the schema of the error shape (for
// example "ResourceNotFoundException"), with the same results as Validate.
func ValidateError(shape string, body []byte) error {
	return validateFile(ErrorFileName(shape), body)
}

func validateFile(file string, body []byte) error {
	s, ok := compiledSchema(file)
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
	return &ValidationError{Schema: file, Violations: flatten(ve)}
}

// NewJSONDecoder returns a JSON decoder of body that keeps numbers exact
// (as json.Number, where the destination leaves their type open): how the
// kit reads every body and document it checks, so that a number is never
// rounded through float64 before it is compared or validated.
func NewJSONDecoder(body []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return dec
}

// decode parses one JSON value, keeping numbers exact, and refuses trailing
// data.
func decode(body []byte) (any, error) {
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

// ValidationError is a body that does not conform to its schema.
type ValidationError struct {
	// Schema is the embedded file the body was checked against.
	Schema string
	// Violations lists each broken constraint, sorted by member path (list
	// items by index). ValidateBounded lists at most its limit.
	Violations []Violation
	// Omitted counts the violations found but not listed in Violations
	// because of ValidateBounded's limit; Validate lists every one and leaves
	// it 0.
	Omitted int
}

// Error lists every violation, one per line after the first.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schemas: body does not conform to %s", e.Schema)
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", e.Omitted)
	}
	return b.String()
}

// Violation is one broken constraint.
type Violation struct {
	// Pointer is the JSON pointer of the offending value, e.g.
	// "/updateConfiguration/cognitoUserPoolConfiguration/userPoolArn". For a
	// missing required member or an unknown member it points at that member.
	Pointer string
	// Keyword is the schema keyword that failed: "required", "pattern",
	// "minLength", "maxLength", "minItems", "maxItems", "enum", "type",
	// "oneOf" (a union with no member or more than one), "additionalProperties"
	// (an unknown member), "format", "minimum", "maxProperties", …; "json" when
	// the body is not JSON at all.
	Keyword string
	// Message is the validator's description of the failure.
	Message string
}

// Path is the member path in the dotted form AWS uses in a
// ValidationException's fieldList, such as
// "updateConfiguration.cognitoUserPoolConfiguration.clientIds[0]". It is
// empty for the document itself.
func (v Violation) Path() string {
	return MemberPath(v.Pointer)
}

// String renders the violation as "path: keyword: message".
func (v Violation) String() string {
	p := v.Path()
	if p == "" {
		p = "(document)"
	}
	return p + ": " + v.Keyword + ": " + v.Message
}

// MemberPath turns a JSON pointer into a dotted member path: object members
// are joined by ".", list indexes are written "[i]".
func MemberPath(pointer string) string {
	if pointer == "" || pointer == "/" {
		return ""
	}
	var b strings.Builder
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = unescapePointerToken(tok)
		if isIndex(tok) && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

// pointerUnescaper undoes RFC 6901 escaping of one JSON pointer token. It is
// built once: a strings.Replacer is costly to build, and MemberPath runs once
// per violation.
var pointerUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// unescapePointerToken undoes RFC 6901 escaping of one JSON pointer token.
func unescapePointerToken(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return pointerUnescaper.Replace(tok)
}

// isIndex reports whether a pointer token is a list index: decimal digits,
// as strconv.Atoi accepts them (an optional sign included).
func isIndex(tok string) bool {
	_, err := strconv.Atoi(tok)
	return err == nil
}

// comparePointers orders JSON pointers token by token, list indexes by
// value ("/a/2" before "/a/10"), other tokens as strings, a pointer before
// those it is a prefix of.
func comparePointers(a, b string) int {
	for a != "" || b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if c := compareTokens(ta, tb); c != 0 {
			return c
		}
	}
	return 0
}

// nextToken splits the first token off a JSON pointer ("/a/b" gives "a"
// and "/b"); it returns "" for an empty pointer.
func nextToken(p string) (tok, rest string) {
	p = strings.TrimPrefix(p, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

func compareTokens(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" || b == "" {
		return strings.Compare(a, b)
	}
	if isDigits(a) && isDigits(b) {
		na, nb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(na) != len(nb) {
			return len(na) - len(nb)
		}
		if c := strings.Compare(na, nb); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sortViolations orders violations by pointer (see comparePointers), then
// keyword, keeping the validator's order otherwise.
func sortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		if c := comparePointers(vs[i].Pointer, vs[j].Pointer); c != 0 {
			return c < 0
		}
		return vs[i].Keyword < vs[j].Keyword
	})
}

// quoted matches one member name as the validator quotes it in a message:
// between single quotes, Go-escaped, with ' written \'.
var quoted = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)

// unquoteMember undoes the validator's quoting of a member name (see
// quoted), returning it as written in the document.
func unquoteMember(s string) string {
	s = strings.ReplaceAll(s, `\'`, `'`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// pointerToken escapes a member name as one JSON pointer token (RFC 6901).
func pointerToken(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}

// instancePointer turns the validator's instance location, whose tokens it
// percent-encodes on top of the JSON pointer escapes, into a JSON pointer.
func instancePointer(loc string) string {
	toks := strings.Split(loc, "/")
	for i, tok := range toks {
		if u, err := url.PathUnescape(tok); err == nil {
			toks[i] = u
		}
	}
	return strings.Join(toks, "/")
}

// flatten turns the validator's tree into leaf violations. A union failure
// ("oneOf") is kept as one violation on the union member rather than split
// into the per-branch reasons, which would only say that each branch's
// member is absent.
func flatten(root *jsonschema.ValidationError) []Violation {
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
			names := quoted.FindAllStringSubmatch(e.Message, -1)
			if len(names) == 0 {
				break
			}
			for _, n := range names {
				out = append(out, Violation{
					Pointer: instancePointer(e.InstanceLocation) + "/" + pointerToken(unquoteMember(n[1])),
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
		out = append(out, Violation{Pointer: instancePointer(e.InstanceLocation), Keyword: kw, Message: msg})
	}
	walk(root)
	sortViolations(out)
	return out
}

func memberMessage(kw string) string {
	if kw == "required" {
		return "member is required but missing"
	}
	return "member is not allowed here"
}

// jsonUnmarshalLoose decodes body into v, ignoring errors the caller reports
// in another way.
func jsonUnmarshalLoose(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// isInt64 is the format "int64" of the model's Long: a number whose value
// is an integer within the signed 64-bit range. Values of other types
// pass; their type is the "type" keyword's to check.
func isInt64(v any) bool {
	var f *big.Float
	switch x := v.(type) {
	case json.Number:
		var ok bool
		if f, ok = new(big.Float).SetString(string(x)); !ok {
			return false
		}
	case float64:
		f = big.NewFloat(x)
	default:
		return true
	}
	if !f.IsInt() {
		return false
	}
	_, acc := f.Int64()
	return acc == big.Exact
}
