package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// schemaSet holds the names of the embedded schema files, relative to the
// schemas directory ("GetIdentitySource.input.schema.json",
// "errors/ResourceNotFoundException.schema.json"), and each one's compiled
// form (see validator.go) once something has asked for it.
type schemaSet struct {
	// names are the files that are schemas of their own (common.schema.json,
	// which only holds definitions, is not one).
	names map[string]bool

	mu       sync.Mutex // guards compiler, which is not safe for concurrent use
	compiler *compiler
	compiled sync.Map // file name → *node
}

// loadSchemas lists the embedded schema files. A directory that cannot be
// read is a programming error in this package and panics here, never on
// input.
func loadSchemas() *schemaSet {
	names := map[string]bool{}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".schema.json") && p != commonFile {
			names[p] = true
		}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("schemas: list embedded files: %v", err))
	}
	return &schemaSet{names: names, compiler: newCompiler()}
}

// schema returns the compiled schema of the embedded file, compiling it
// the first time, and false when there is no such schema. An embedded
// file that does not compile is a programming error in this package and
// panics here, never on input; TestEverySchemaCompiles compiles each one.
func (s *schemaSet) schema(file string) (*node, bool) {
	if v, ok := s.compiled.Load(file); ok {
		return v.(*node), true
	}
	if !s.names[file] {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.compiled.Load(file); ok {
		return v.(*node), true
	}
	n, err := s.compiler.compileFile(file)
	// The decoded documents are dropped once a file is compiled: the nodes
	// keep what they need, and the next file, compiled seldom (once per
	// operation and direction), decodes what it reads again. Kept, they
	// would be a third of the fake's live heap, which every GC cycle marks.
	s.compiler.forget()
	if err != nil {
		panic(fmt.Sprintf("schemas: compile embedded %s: %v", file, err))
	}
	s.compiled.Store(file, n)
	return n, true
}

// compiledSchema is set().schema.
func compiledSchema(file string) (*node, bool) { return set().schema(file) }

// opKey names the schema of an operation in one direction.
type opKey struct {
	op  string
	dir Direction
}

// opSchema is an operation's schema file, its compiled form and, when it
// has one, its flat form (flat.go).
type opSchema struct {
	file string
	node *node
	flat *flatSchema
}

// opSchemas caches operationSchema's answers, so that validating a
// request neither builds the file name nor looks it up again. Readers load
// the map without a lock (requests on every core read it at once); a new
// entry replaces the map with a copy, which happens once per operation.
var opSchemas struct {
	mu sync.Mutex // serialises the writers
	m  atomic.Pointer[map[opKey]opSchema]
}

// operationSchema is the schema of op in direction dir (file, compiled
// form and flat form), and false when there is no such schema.
func operationSchema(op string, dir Direction) (opSchema, bool) {
	k := opKey{op, dir}
	if m := opSchemas.m.Load(); m != nil {
		if e, ok := (*m)[k]; ok {
			return e, true
		}
	}
	file := FileName(op, dir)
	n, ok := compiledSchema(file)
	if !ok {
		return opSchema{file: file}, false
	}
	e := opSchema{file: file, node: n, flat: flatOf(n)}
	opSchemas.mu.Lock()
	defer opSchemas.mu.Unlock()
	next := map[opKey]opSchema{k: e}
	if m := opSchemas.m.Load(); m != nil {
		for key, v := range *m {
			next[key] = v
		}
	}
	opSchemas.m.Store(&next)
	return e, true
}

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
	n, ok := compiledSchema(file)
	if !ok {
		return fmt.Errorf("schemas: %s: %w", file, ErrNoSchema)
	}
	doc, err := decode(body)
	if err != nil {
		return &ValidationError{Schema: file, Violations: []Violation{{
			Pointer: "", Keyword: "json", Message: err.Error(),
		}}}
	}
	c := &checker{}
	if c.validate(n, doc) {
		return nil
	}
	sortViolations(c.out)
	return &ValidationError{Schema: file, Violations: c.out}
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

// compareTokens orders pointer tokens: the empty token first, then tokens
// of decimal digits (list indexes) by value, then every other token as a
// string. It is a total order, which sorting needs: comparing digits by
// value but digits against letters as strings, as it once did, ordered
// "01000000000" < "010000010000000000A" < "101102" < "01000000000", and the
// order of unknown members then depended on the order a map gave them.
func compareTokens(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" || b == "" {
		return strings.Compare(a, b)
	}
	da, db := isDigits(a), isDigits(b)
	switch {
	case da && !db:
		return -1
	case db && !da:
		return 1
	case da && db:
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

// pointerToken escapes a member name as one JSON pointer token (RFC 6901).
func pointerToken(name string) string {
	if !strings.ContainsAny(name, "~/") {
		return name
	}
	return pointerEscaper.Replace(name)
}

// pointerEscaper escapes one JSON pointer token; built once, as
// pointerUnescaper is.
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// memberMessage is the message of a missing member ("required") or of an
// unknown one ("additionalProperties").
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
