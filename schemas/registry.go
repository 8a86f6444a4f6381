package schemas

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"

	jsonv2 "github.com/go-json-experiment/json"
)

// The registry is the one statement, beside the schemas, of what the API
// model says of each operation and error shape: the operations the model
// has, the errors each served operation declares, the resource it acts on
// and the members naming resources, one set of valid requests per
// operation, and each error shape's HTTP status. It is embedded from
// registry.json, whose "source" member names where each fact was read;
// TestRegistryMatchesSchemas keeps it in step with the schema files.
//
//go:embed registry.json
var registryJSON []byte

// OperationFacts is what the registry says of one served operation.
type OperationFacts struct {
	// Name is the operation's name, as after "VerifiedPermissions." in
	// X-Amz-Target.
	Name string
	// Errors are the error shapes the operation declares in the model,
	// sorted.
	Errors []string
	// Resource is the resource type (the model's ResourceType) the
	// operation acts on, such as "IDENTITY_SOURCE"; "POLICY_STORE" for
	// the authorization operations, which name no other resource.
	Resource string
	// IDMembers are the input members naming resources, outermost first,
	// such as policyStoreId, identitySourceId.
	IDMembers []string
	// Subject says the kit tests the operation in depth (the documented
	// operations, GetIdentitySource and UpdateIdentitySource): the
	// catalogue generates a negative scenario for each constraint of its
	// input. The others are the set-up operations around them.
	Subject bool
}

// Declares reports whether the operation declares the error shape.
func (o OperationFacts) Declares(shape string) bool { return slices.Contains(o.Errors, shape) }

// ErrorFacts is what the registry says of one error shape.
type ErrorFacts struct {
	// Shape is the error's name, as in __type and X-Amzn-ErrorType.
	Shape string
	// Status is its HTTP status: the model's httpError trait, or the
	// status AWS's services answer for a protocol or authentication error.
	Status int
	// Modelled says the shape is in the API model (a declared error), not
	// a protocol or authentication error every AWS service shares.
	Modelled bool
}

// RequestValues fill the placeholders of the registry's valid requests.
type RequestValues struct {
	PolicyStoreID    string
	IdentitySourceID string
	// PolicyID fills {{policyId}}: the policy GetPolicy, UpdatePolicy and
	// DeletePolicy name.
	PolicyID    string
	ClientToken string
	UserPoolArn string
	ClientID    string
	OIDCIssuer  string
	// IdentityToken and AccessToken fill {{identityToken}} and
	// {{accessToken}} in the authorization requests: a JWT of the kind
	// (token_use id or access) an identity source accepts.
	IdentityToken string
	AccessToken   string
}

// DefaultRequestValues are realistic values, shaped like the model's own
// examples. Its tokens are the shape of Amazon Cognito's, for the default
// user pool and client id, but unsigned: they satisfy the model's Token
// pattern (three base64url segments) and no identity source accepts them.
func DefaultRequestValues() RequestValues {
	return RequestValues{
		PolicyStoreID:    "C7v5xMplfFH3i3e4Jrzb1a",
		IdentitySourceID: "ISEXAMPLEabcdefg111111",
		PolicyID:         "9wYxMpljbbZQb5fcZHyJhY",
		ClientToken:      "a1b2c3d4-e5f6-a1b2-c3d4-TOKEN1111111",
		UserPoolArn:      "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
		ClientID:         "a1b2c3d4e5f6g7h8i9j0kalbmc",
		OIDCIssuer:       "https://auth.example.com",
		IdentityToken:    exampleToken(exampleIDClaims),
		AccessToken:      exampleToken(exampleAccessClaims),
	}
}

// The claims of the default tokens: those of an Amazon Cognito ID token and
// access token of the default user pool and app client.
const (
	exampleIDClaims = `{"sub":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111","cognito:groups":["MyExampleGroup"],` +
		`"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5","cognito:username":"alice",` +
		`"aud":"a1b2c3d4e5f6g7h8i9j0kalbmc","token_use":"id","auth_time":1700000000,"exp":1700003600,` +
		`"iat":1700000000,"email":"alice@example.com"}`
	exampleAccessClaims = `{"sub":"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111","cognito:groups":["MyExampleGroup"],` +
		`"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_1a2b3c4d5","client_id":"a1b2c3d4e5f6g7h8i9j0kalbmc",` +
		`"token_use":"access","scope":"aws.cognito.signin.user.admin","auth_time":1700000000,"exp":1700003600,` +
		`"iat":1700000000,"jti":"a1b2c3d4-5678-90ab-cdef-EXAMPLE22222","username":"alice"}`
)

// exampleToken is an unsigned JWT carrying claims: a JOSE header, the
// claims and a third segment that is not a signature, each base64url
// encoded without padding.
func exampleToken(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"kid":"vpconform-example-key","alg":"RS256"}`)) + "." +
		enc.EncodeToString([]byte(claims)) + "." +
		enc.EncodeToString([]byte("vpconform example: not a signature"))
}

// placeholders maps each placeholder of registry.json to its value.
func (v RequestValues) placeholders() map[string]string {
	return map[string]string{
		"{{policyStoreId}}":    v.PolicyStoreID,
		"{{identitySourceId}}": v.IdentitySourceID,
		"{{policyId}}":         v.PolicyID,
		"{{clientToken}}":      v.ClientToken,
		"{{userPoolArn}}":      v.UserPoolArn,
		"{{clientId}}":         v.ClientID,
		"{{oidcIssuer}}":       v.OIDCIssuer,
		"{{identityToken}}":    v.IdentityToken,
		"{{accessToken}}":      v.AccessToken,
	}
}

// registryFile is the layout of registry.json.
type registryFile struct {
	Source          string                    `json:"source"`
	ModelOperations []string                  `json:"modelOperations"`
	Errors          map[string]registryError  `json:"errors"`
	IDMembers       map[string]string         `json:"idMembers"`
	Operations      map[string]registryOpFile `json:"operations"`
}

type registryError struct {
	Status int  `json:"status"`
	Model  bool `json:"model"`
}

type registryOpFile struct {
	Subject   bool              `json:"subject"`
	Errors    []string          `json:"errors"`
	Resource  string            `json:"resource"`
	IDMembers []string          `json:"idMembers"`
	Requests  []json.RawMessage `json:"requests"`
}

// Registry is a set of model facts: the embedded one (Facts and the
// functions beside it read it), or a copy a test changes.
type Registry struct {
	modelOps []string
	ops      map[string]OperationFacts
	requests map[string][]json.RawMessage
	errs     map[string]ErrorFacts
	idTypes  map[string]string
}

// registry is the embedded registry, parsed at its first use rather than
// at initialisation, which every program importing the package would pay
// at start-up (vpfake's first answer included); a registry.json that does
// not parse is a programming error in this package, which its tests catch.
var registry = sync.OnceValue(func() *Registry { return mustParseRegistry(registryJSON) })

func mustParseRegistry(b []byte) *Registry {
	r, err := ParseRegistry(b)
	if err != nil {
		panic(fmt.Sprintf("schemas: embedded registry.json: %v", err))
	}
	return r
}

// ParseRegistry parses a registry document with the layout of the embedded
// registry.json. Tests use it to try a changed copy. Member names must be
// the layout's, exactly as written (no other case), each at most once, and
// nothing may follow the document.
func ParseRegistry(b []byte) (*Registry, error) {
	var f registryFile
	// encoding/json/v2's decoding (go-json-experiment), a third of
	// encoding/json's time on this document: member names exact, none
	// unknown, none twice, nothing after the document.
	if err := jsonv2.Unmarshal(b, &f, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("parse registry: %w", err)
	}
	r := &Registry{
		modelOps: slices.Sorted(slices.Values(f.ModelOperations)),
		ops:      map[string]OperationFacts{},
		requests: map[string][]json.RawMessage{},
		errs:     map[string]ErrorFacts{},
		idTypes:  f.IDMembers,
	}
	for shape, e := range f.Errors {
		if e.Status < 400 || e.Status > 599 {
			return nil, fmt.Errorf("parse registry: error %s has status %d, not a 4xx or 5xx", shape, e.Status)
		}
		r.errs[shape] = ErrorFacts{Shape: shape, Status: e.Status, Modelled: e.Model}
	}
	for name, o := range f.Operations {
		if !slices.Contains(r.modelOps, name) {
			return nil, fmt.Errorf("parse registry: operation %s is not in modelOperations", name)
		}
		for _, e := range o.Errors {
			if ef, ok := r.errs[e]; !ok || !ef.Modelled {
				return nil, fmt.Errorf("parse registry: %s declares %s, which is not a modelled error of the registry", name, e)
			}
		}
		for _, m := range o.IDMembers {
			if _, ok := f.IDMembers[m]; !ok {
				return nil, fmt.Errorf("parse registry: %s names id member %s, which idMembers gives no resource type", name, m)
			}
		}
		if len(o.Requests) == 0 {
			return nil, fmt.Errorf("parse registry: %s has no valid request", name)
		}
		r.ops[name] = OperationFacts{
			Name: name, Errors: slices.Sorted(slices.Values(o.Errors)),
			Resource: o.Resource, IDMembers: slices.Clone(o.IDMembers),
			Subject: o.Subject,
		}
		r.requests[name] = o.Requests
	}
	return r, nil
}

// Default returns the embedded registry.
func Default() *Registry { return registry() }

// Facts returns what the registry says of a served operation, and whether
// it has it.
func (r *Registry) Facts(op string) (OperationFacts, bool) {
	f, ok := r.ops[op]
	f.Errors, f.IDMembers = slices.Clone(f.Errors), slices.Clone(f.IDMembers)
	return f, ok
}

// Served lists the operations the registry describes (those with schemas),
// sorted.
func (r *Registry) Served() []string { return slices.Sorted(maps.Keys(r.ops)) }

// Subjects lists, sorted, the operations the kit tests in depth (see
// OperationFacts.Subject).
func (r *Registry) Subjects() []string {
	var out []string
	for _, name := range r.Served() {
		if r.ops[name].Subject {
			out = append(out, name)
		}
	}
	return out
}

// ModelOperations lists, sorted, every operation of the API model, served
// or not.
func (r *Registry) ModelOperations() []string { return slices.Clone(r.modelOps) }

// IsModelOperation reports whether the model has an operation of that name
// (case-sensitive).
func (r *Registry) IsModelOperation(name string) bool {
	_, ok := slices.BinarySearch(r.modelOps, name)
	return ok
}

// Unserved lists, sorted, the model's operations the registry does not
// describe: examples of an operation the fake does not serve.
func (r *Registry) Unserved() []string {
	var out []string
	for _, name := range r.modelOps {
		if _, ok := r.ops[name]; !ok {
			out = append(out, name)
		}
	}
	return out
}

// Error returns what the registry says of an error shape, and whether it
// has it.
func (r *Registry) Error(shape string) (ErrorFacts, bool) {
	e, ok := r.errs[shape]
	return e, ok
}

// ErrorShapes lists every error shape of the registry, sorted.
func (r *Registry) ErrorShapes() []string { return slices.Sorted(maps.Keys(r.errs)) }

// IDMembers maps every member that names a resource, in any operation, to
// the resource type it names: policyStoreId to POLICY_STORE,
// identitySourceId to IDENTITY_SOURCE, policyId to POLICY.
func (r *Registry) IDMembers() map[string]string { return maps.Clone(r.idTypes) }

// Requests returns the valid requests of op, with the placeholders filled
// from v: between them they set every optional member, so that every
// constraint of the input schema has a place to be broken. Each is a fresh
// decoded JSON object (numbers as json.Number), which the caller may change.
func (r *Registry) Requests(op string, v RequestValues) ([]map[string]any, error) {
	raws, ok := r.requests[op]
	if !ok {
		return nil, fmt.Errorf("schemas: the registry has no operation %q", op)
	}
	values := v.placeholders()
	out := make([]map[string]any, 0, len(raws))
	for i, raw := range raws {
		var m map[string]any
		if err := NewJSONDecoder(raw).Decode(&m); err != nil {
			return nil, fmt.Errorf("schemas: request %d of %s: %w", i, op, err)
		}
		filled, err := fill(m, values)
		if err != nil {
			return nil, fmt.Errorf("schemas: request %d of %s: %w", i, op, err)
		}
		out = append(out, filled.(map[string]any))
	}
	return out, nil
}

// fill replaces every string that is a placeholder by its value.
func fill(v any, values map[string]string) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		return v, fillEach(maps.All(v), func(k string, f any) { v[k] = f }, values)
	case []any:
		return v, fillEach(slices.All(v), func(i int, f any) { v[i] = f }, values)
	case string:
		if !strings.HasPrefix(v, "{{") {
			return v, nil
		}
		value, ok := values[v]
		if !ok {
			return nil, fmt.Errorf("unknown placeholder %s", v)
		}
		return value, nil
	default:
		return v, nil
	}
}

// fillEach fills each element of a JSON object or array, as all yields
// them, and stores what fill makes of it through set.
func fillEach[K comparable](all iter.Seq2[K, any], set func(K, any), values map[string]string) error {
	for k, x := range all {
		f, err := fill(x, values)
		if err != nil {
			return err
		}
		set(k, f)
	}
	return nil
}

// Facts returns what the embedded registry says of a served operation.
func Facts(op string) (OperationFacts, bool) { return registry().Facts(op) }

// Error returns what the embedded registry says of an error shape.
func Error(shape string) (ErrorFacts, bool) { return registry().Error(shape) }

// ErrorStatus returns the HTTP status of an error shape, and whether the
// registry knows the shape.
func ErrorStatus(shape string) (int, bool) {
	e, ok := registry().Error(shape)
	return e.Status, ok
}

// ModelOperations lists every operation of the API model, sorted.
func ModelOperations() []string { return registry().ModelOperations() }

// IsModelOperation reports whether the API model has an operation of that
// name.
func IsModelOperation(name string) bool { return registry().IsModelOperation(name) }

// Requests returns the embedded registry's valid requests of op (see
// Registry.Requests).
func Requests(op string, v RequestValues) ([]map[string]any, error) {
	return registry().Requests(op, v)
}

// RegistryDocument returns a copy of the embedded registry.json, for a test
// that changes it and parses the result with ParseRegistry.
func RegistryDocument() ([]byte, error) {
	if len(registryJSON) == 0 {
		return nil, fmt.Errorf("schemas: the embedded registry is empty")
	}
	return bytes.Clone(registryJSON), nil
}

// Extend returns a registry of the embedded document with patch merged in:
// patch has the layout of registry.json, its "errors", "idMembers" and
// "operations" members add to (or replace entries of) the embedded ones and
// its "modelOperations" are added to the model's. Tests use it to show that
// what reads the registry picks up an operation with no other edit.
func Extend(patch []byte) (*Registry, error) {
	var base, add map[string]json.RawMessage
	if err := json.Unmarshal(registryJSON, &base); err != nil {
		return nil, fmt.Errorf("schemas: embedded registry: %w", err)
	}
	if err := json.Unmarshal(patch, &add); err != nil {
		return nil, fmt.Errorf("schemas: registry patch: %w", err)
	}
	for key, raw := range add {
		merged, err := mergeMember(key, base[key], raw)
		if err != nil {
			return nil, fmt.Errorf("schemas: registry patch member %q: %w", key, err)
		}
		base[key] = merged
	}
	b, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("schemas: registry patch: %w", err)
	}
	return ParseRegistry(b)
}

// mergeMember merges one top-level member of a registry patch into the
// embedded one: lists are appended, objects merged entry by entry.
func mergeMember(key string, base, add json.RawMessage) (json.RawMessage, error) {
	if key == "modelOperations" {
		return mergeJSON(base, add, func(a, b []string) any { return append(a, b...) })
	}
	return mergeJSON(base, add, func(a, b map[string]json.RawMessage) any {
		if a == nil {
			a = map[string]json.RawMessage{}
		}
		maps.Copy(a, b)
		return a
	})
}

// mergeJSON decodes base (when there is one) and add as T, and encodes what
// merge makes of the two.
func mergeJSON[T any](base, add json.RawMessage, merge func(a, b T) any) (json.RawMessage, error) {
	var a, b T
	if len(base) > 0 {
		if err := json.Unmarshal(base, &a); err != nil {
			return nil, fmt.Errorf("embedded value: %w", err)
		}
	}
	if err := json.Unmarshal(add, &b); err != nil {
		return nil, fmt.Errorf("patch value: %w", err)
	}
	return json.Marshal(merge(a, b))
}
