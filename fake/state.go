package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/vpconform/vpconform/schemas"
)

// StateFormatVersion is the FormatVersion of the State documents this
// package writes, and the only one SetState accepts.
const StateFormatVersion = 1

// State is the part of a Server's state that can outlive it: every policy
// store, identity source and policy, with all their members, as a JSON
// document. State returns it and SetState (or WithState) replaces the
// server's state with it; GET and PUT /_vpfake/state do the same over HTTP,
// and vpfake -state-file keeps it in a file across restarts.
//
// The member names and values are those of the API's own outputs:
// a policy store has the members of GetPolicyStore's output (without
// cedarVersion, always CEDAR_4) plus tags and identitySources, and an
// identity source has the members of GetIdentitySource's output (without
// policyStoreId, which is its store's, and details, which is derived) with
// its configuration as CreateIdentitySource takes it; a policy has its id,
// name, statement and description, and its dates (what GetPolicy derives
// from the statement is derived again). Dates are RFC 3339 in UTC with up
// to six fractional digits, as the API returns them.
//
// Kept: policy stores, identity sources and policies. Not kept: clientTokens (a
// create replayed after SetState is a new call), the history of recent
// versions that WithPropagationDelay serves reads from (a state set is
// visible to reads at once), faults and rate limits (SetState leaves them
// as they are), and the position of a WithIDSeed id sequence (new ids never
// repeat one in use).
type State struct {
	// FormatVersion is StateFormatVersion.
	FormatVersion int `json:"formatVersion"`
	// PolicyStores lists the policy stores, in creation order (then by id)
	// in what State returns; SetState accepts any order.
	PolicyStores []PolicyStoreState `json:"policyStores"`
}

// PolicyStoreState is one policy store of a State.
type PolicyStoreState struct {
	// PolicyStoreID is the store's id: 22 base62 characters when the fake
	// made it; SetState accepts any id the API's PolicyStoreId pattern
	// does.
	PolicyStoreID string `json:"policyStoreId"`
	// Arn must be arn:aws:verifiedpermissions::<account>:policy-store/<id>,
	// with the server's account (see WithAccount).
	Arn string `json:"arn"`
	// ValidationSettings holds the validation mode, OFF or STRICT.
	ValidationSettings ValidationSettings `json:"validationSettings"`
	// Description is the store's description, nil when it has none.
	Description *string `json:"description,omitempty"`
	// DeletionProtection is ENABLED or DISABLED; SetState reads "" as
	// DISABLED, the API's default.
	DeletionProtection string `json:"deletionProtection"`
	// EncryptionState is GetPolicyStore's encryptionState member as JSON:
	// {"default":{}} or {"kmsEncryptionState":{"key":"…",
	// "encryptionContext":{…}}}; nil (or JSON null) when the store was
	// created without encryption settings.
	EncryptionState json.RawMessage `json:"encryptionState,omitempty"`
	// Tags are the store's tags, nil when it has none.
	Tags map[string]string `json:"tags,omitempty"`
	// CreatedDate is when the store was created, RFC 3339.
	CreatedDate string `json:"createdDate"`
	// LastUpdatedDate is when the store was last changed, RFC 3339, not
	// before CreatedDate.
	LastUpdatedDate string `json:"lastUpdatedDate"`
	// IdentitySources lists the store's identity sources, in creation
	// order; the fake allows one per store.
	IdentitySources []IdentitySourceState `json:"identitySources"`
	// Policies lists the store's static policies, in creation order (then
	// by id); left out when it has none.
	Policies []PolicyState `json:"policies,omitempty"`
}

// PolicyState is one static policy of a State.
type PolicyState struct {
	// PolicyID is the policy's id, unique in the State: 22 base62
	// characters when the fake made it; SetState accepts any id the API's
	// PolicyId pattern does, except one that starts with name/.
	PolicyID string `json:"policyId"`
	// Name is the policy's name, which starts with name/ and is unique in
	// its policy store; nil when it has none.
	Name *string `json:"name,omitempty"`
	// Statement is the policy's Cedar text, exactly one static policy of
	// at most 10,000 bytes, as CreatePolicy takes it.
	Statement string `json:"statement"`
	// Description is the policy's description, nil when it has none.
	Description *string `json:"description,omitempty"`
	// CreatedDate is when the policy was created, RFC 3339.
	CreatedDate string `json:"createdDate"`
	// LastUpdatedDate is when it was last updated, RFC 3339, not before
	// CreatedDate.
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

// ValidationSettings is a policy store's validationSettings member.
type ValidationSettings struct {
	// Mode is OFF or STRICT.
	Mode string `json:"mode"`
}

// IdentitySourceState is one identity source of a State.
type IdentitySourceState struct {
	// IdentitySourceID is the identity source's id, unique in the State.
	IdentitySourceID string `json:"identitySourceId"`
	// PrincipalEntityType is the entity type of principals, such as
	// "AWS::Cognito" (the default the API fills in) or "MyCorp::User".
	PrincipalEntityType string `json:"principalEntityType"`
	// Configuration is the configuration as CreateIdentitySource's
	// configuration member takes it: {"cognitoUserPoolConfiguration":{…}}
	// or {"openIdConnectConfiguration":{…}}. It must satisfy the same
	// constraints as on the API. The Cognito issuer is derived from the
	// user pool ARN and not kept; an OIDC token selection without
	// principalIdClaim gets the API's default "sub".
	Configuration json.RawMessage `json:"configuration"`
	// CreatedDate is when the identity source was created, RFC 3339.
	CreatedDate string `json:"createdDate"`
	// LastUpdatedDate is when it was last updated, RFC 3339, not before
	// CreatedDate.
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

// maxStateProblems bounds how many problems one SetState error lists.
const maxStateProblems = 20

// State returns a snapshot of every policy store, identity source and
// policy, taken
// at one instant: the latest state, as writes see it, even under a
// propagation delay. The result shares nothing with the server.
func (s *Server) State() State {
	return s.engine.snapshot()
}

// SetState replaces every policy store, identity source and policy with
// those of st, at once, and forgets every clientToken. It checks all of st
// first and changes nothing when anything is wrong: the format version,
// every id (against the API's patterns; no policy store id, identity source
// id or policy id twice), every member against the constraints the API
// enforces on it (the project's schemas, as for requests), each ARN against
// the server's account, every date (RFC 3339, at most microseconds,
// lastUpdatedDate not before createdDate), at most one identity source per
// policy store, every statement as CreatePolicy checks it (one static Cedar
// policy of at most 10,000 bytes), and every policy name (name/…, unique in
// its store). The error names every invalid item (up to 20) by its place in
// st and its id.
//
// The state set is visible to reads at once, even under a propagation
// delay. Faults and rate limits are left as they are. SetState counts as a
// change of state for WithStateChanged.
func (s *Server) SetState(st State) error {
	stores, err := s.engine.checkState(st)
	if err != nil {
		return fmt.Errorf("set state: %w", err)
	}
	s.engine.replace(stores)
	return nil
}

// ParseState decodes a State document strictly: it must be one JSON object
// of the members State declares, spelled exactly, with values of the right
// JSON types, and nothing after it. A syntax error, an unknown member or a
// value of the wrong type is reported with its line and column (both from
// 1, columns in bytes) and, for the last two, its path, such as
// "policyStores[0].createdDate". The raw members (EncryptionState,
// Configuration) are returned compact, as State returns them. ParseState
// does not check the values: SetState does.
func ParseState(b []byte) (State, error) {
	// Syntax first, on a generic value, so that every error that has a
	// position is located and nesting is bounded before the walk below.
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return State{}, locateDecodeError(b, err)
	}
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		line, col := lineColumn(b, nextToken(b, end))
		return State{}, fmt.Errorf("line %d, column %d: data after the state's JSON object", line, col)
	}
	if _, ok := v.(map[string]any); !ok {
		line, col := lineColumn(b, nextToken(b, 0))
		return State{}, fmt.Errorf("line %d, column %d: the state is not a JSON object", line, col)
	}
	if err := checkMembers(b, reflect.TypeFor[State]()); err != nil {
		return State{}, err
	}
	var st State
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return State{}, locateDecodeError(b, err)
	}
	// The raw members are kept compact, as State gives them, whatever the
	// layout of the document.
	for i := range st.PolicyStores {
		ps := &st.PolicyStores[i]
		ps.EncryptionState = compact(ps.EncryptionState)
		for j := range ps.IdentitySources {
			ps.IdentitySources[j].Configuration = compact(ps.IdentitySources[j].Configuration)
		}
	}
	return st, nil
}

// compact removes the insignificant space of a raw JSON value that is
// known to be well formed.
func compact(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}

// nextToken returns the offset of the first byte at or after off that is
// neither JSON white space nor a separator (",", ":").
func nextToken(b []byte, off int64) int64 {
	for off < int64(len(b)) && strings.IndexByte(" \t\r\n,:", b[off]) >= 0 {
		off++
	}
	return off
}

// locateDecodeError adds the line and column to a decoding error that has
// an offset.
func locateDecodeError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineColumn(b, se.Offset-1)
		return fmt.Errorf("line %d, column %d: JSON syntax error: %w", line, col, err)
	case errors.As(err, &te):
		line, col := lineColumn(b, te.Offset-1)
		return fmt.Errorf("line %d, column %d: member %s is a JSON %s, not the %s it must be", line, col, te.Field, te.Value, jsonKind(te.Type))
	case errors.Is(err, io.EOF):
		return errors.New("the state is empty, not a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineColumn(b, int64(len(b)))
		return fmt.Errorf("line %d, column %d: JSON syntax error: the document ends before its JSON object does", line, col)
	}
	return fmt.Errorf("decode state: %w", err)
}

// jsonKind names the kind of JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "number"
	case reflect.Slice:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Bool:
		return "boolean"
	}
	return t.String()
}

// lineColumn turns a byte offset into a line and column, both from 1.
func lineColumn(b []byte, offset int64) (line, col int) {
	off := int(min(max(offset, 0), int64(len(b))))
	before := b[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// checkMembers walks the JSON document b, already known to be well formed,
// alongside the Go type t, and reports the first object member that the
// struct type at its place does not declare, or the first value of the
// wrong JSON type, with its position and path. encoding/json would accept
// a member spelled in another case, and its errors locate neither an
// unknown member nor the start of a value of the wrong type.
func checkMembers(b []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return walkMembers(b, dec, t, "")
}

func walkMembers(b []byte, dec *json.Decoder, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType {
		var skip json.RawMessage // any JSON: checked against the schemas later
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("read state: %w", err)
		}
		return nil
	}
	at := nextToken(b, dec.InputOffset())
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	wrong := func(got string) error {
		line, col := lineColumn(b, at)
		where := path
		if where == "" {
			where = "the state"
		}
		return fmt.Errorf("line %d, column %d: %s is a JSON %s, not the %s it must be", line, col, where, got, jsonKind(t))
	}
	switch tok := tok.(type) {
	case nil:
		return nil // null leaves the zero value, as encoding/json does
	case string:
		if t.Kind() != reflect.String {
			return wrong("string")
		}
		return nil
	case bool:
		if t.Kind() != reflect.Bool {
			return wrong("boolean")
		}
		return nil
	case json.Number:
		switch t.Kind() {
		case reflect.Int, reflect.Int64:
			if _, err := tok.Int64(); err != nil {
				return wrong("number that is not an integer")
			}
		case reflect.Float64:
		default:
			return wrong("number")
		}
		return nil
	case json.Delim:
		if tok == '[' {
			if t.Kind() != reflect.Slice {
				return wrong("array")
			}
			for i := 0; dec.More(); i++ {
				if err := walkMembers(b, dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			return closing(dec)
		}
		switch t.Kind() {
		case reflect.Struct, reflect.Map:
		default:
			return wrong("object")
		}
		var fields map[string]reflect.Type
		if t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		for dec.More() {
			keyAt := nextToken(b, dec.InputOffset())
			keyTok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("read state: %w", err)
			}
			key, _ := keyTok.(string)
			member := reflect.Type(nil)
			if fields == nil {
				member = t.Elem()
			} else if member = fields[key]; member == nil {
				line, col := lineColumn(b, keyAt)
				where := path
				if where == "" {
					where = "the state"
				}
				return fmt.Errorf("line %d, column %d: %s has no member %q; its members are %s",
					line, col, where, key, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
			}
			if err := walkMembers(b, dec, member, dotted(path, key)); err != nil {
				return err
			}
		}
		return closing(dec)
	}
	return nil
}

// closing reads the delimiter that ends an object or array.
func closing(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	return nil
}

func dotted(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// jsonFields maps the JSON member names of a struct type to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// snapshot renders the latest state as a State.
func (e *engine) snapshot() State {
	e.mu.Lock()
	defer e.mu.Unlock()
	stores := slices.Collect(maps.Values(e.policyStores))
	sortByCreation(stores, (*policyStore).position)
	st := State{FormatVersion: StateFormatVersion, PolicyStores: make([]PolicyStoreState, 0, len(stores))}
	for _, ps := range stores {
		out := PolicyStoreState{
			PolicyStoreID:      ps.id,
			Arn:                policyStoreArn(e.account, ps.id),
			ValidationSettings: ValidationSettings{Mode: ps.validationMode.String()},
			DeletionProtection: ps.deletionProtection.String(),
			CreatedDate:        ps.created.String(),
			LastUpdatedDate:    ps.updated.String(),
			IdentitySources:    make([]IdentitySourceState, 0, len(ps.identitySources)),
		}
		opts := ps.options()
		if opts.description != nil {
			d := *opts.description
			out.Description = &d
		}
		if opts.encryption != nil {
			out.EncryptionState = mustMarshal(opts.encryption)
		}
		if len(opts.tags) > 0 {
			out.Tags = make(map[string]string, len(opts.tags))
			for k, v := range opts.tags {
				out.Tags[k] = v
			}
		}
		for _, is := range ps.identitySources {
			out.IdentitySources = append(out.IdentitySources, IdentitySourceState{
				IdentitySourceID:    is.id,
				PrincipalEntityType: is.principalEntityType,
				Configuration:       mustMarshal(is.configuration),
				CreatedDate:         is.created.String(),
				LastUpdatedDate:     is.updated.String(),
			})
		}
		out.Policies = policiesState(ps)
		st.PolicyStores = append(st.PolicyStores, out)
	}
	return st
}

// policiesState renders a policy store's policies, in creation order then
// by id; nil when it has none.
func policiesState(ps *policyStore) []PolicyState {
	if len(ps.policies) == 0 {
		return nil
	}
	policies := slices.Collect(maps.Values(ps.policies))
	sortByCreation(policies, (*policy).position)
	out := make([]PolicyState, 0, len(policies))
	for _, p := range policies {
		out = append(out, PolicyState{
			PolicyID:        p.id,
			Name:            p.optionalName(),
			Statement:       p.statement,
			Description:     cloneString(p.description),
			CreatedDate:     timestamp(p.created),
			LastUpdatedDate: timestamp(p.updated),
		})
	}
	return out
}

// mustMarshal encodes one of the fake's own shapes, which are plain structs
// of strings, slices and maps that always encode.
func mustMarshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Unreachable: the shapes hold no channels, functions or cycles.
		return json.RawMessage(`{}`)
	}
	return b
}

// stateProblems collects what is wrong with a State, item by item.
type stateProblems struct {
	list  []string
	extra int
}

func (p *stateProblems) add(item, format string, args ...any) {
	if len(p.list) >= maxStateProblems {
		p.extra++
		return
	}
	p.list = append(p.list, item+": "+fmt.Sprintf(format, args...))
}

// addOnce adds the problems found with an item, from the schemas of two
// operations, each once, leaving out those of policyStoreId: the store's
// id was checked with the store.
func (p *stateProblems) addOnce(item string, found []string) {
	seen := map[string]bool{}
	for _, v := range found {
		if !seen[v] && !strings.HasPrefix(v, "policyStoreId:") {
			seen[v] = true
			p.add(item, "%s", v)
		}
	}
}

func (p *stateProblems) err() error {
	switch {
	case len(p.list) == 0:
		return nil
	case len(p.list) == 1:
		return errors.New(p.list[0])
	}
	msg := fmt.Sprintf("%d problems:\n  %s", len(p.list)+p.extra, strings.Join(p.list, "\n  "))
	if p.extra > 0 {
		msg += fmt.Sprintf("\n  … and %d more", p.extra)
	}
	return errors.New(msg)
}

// schemaViolations validates doc, built from a state item, against the
// schema of op in direction dir, and words each violation as
// "member.path: constraint".
func schemaViolations(op string, dir schemas.Direction, doc any) []string {
	body, err := json.Marshal(doc)
	if err != nil {
		return []string{fmt.Sprintf("cannot be encoded as JSON: %v", err)}
	}
	err = schemas.Validate(op, dir, body)
	if err == nil {
		return nil
	}
	var ve *schemas.ValidationError
	if !errors.As(err, &ve) {
		return []string{fmt.Sprintf("cannot be checked against the %s %s schema: %v", op, dir, err)}
	}
	out := make([]string, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		if v.Keyword == "format" && strings.HasSuffix(v.Path(), "Date") {
			continue // parseStateDate says it, more plainly
		}
		path := v.Path()
		if path == "" {
			path = "(the item itself)"
		}
		out = append(out, path+": "+constraintText(v))
	}
	return out
}

// parseStateDate reads an RFC 3339 date of a State.
func parseStateDate(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 date such as 2024-08-12T18:20:50.99Z", s)
	}
	if t.Nanosecond()%int(time.Microsecond) != 0 {
		return time.Time{}, fmt.Errorf("%q is more precise than a microsecond, as no date of the API is", s)
	}
	return t.UTC(), nil
}

// stateDates reads and checks an item's createdDate and lastUpdatedDate.
func (p *stateProblems) stateDates(item, created, updated string) (time.Time, time.Time, bool) {
	c, err := parseStateDate(created)
	if err != nil {
		p.add(item, "createdDate: %v", err)
	}
	u, err2 := parseStateDate(updated)
	if err2 != nil {
		p.add(item, "lastUpdatedDate: %v", err2)
	}
	if err != nil || err2 != nil {
		return time.Time{}, time.Time{}, false
	}
	if u.Before(c) {
		p.add(item, "lastUpdatedDate %s is before createdDate %s", updated, created)
		return time.Time{}, time.Time{}, false
	}
	return c, u, true
}

// isNull reports whether a raw JSON value is absent or null.
func isNull(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// checkState checks st as SetState documents and builds the engine's
// policy stores from it, or reports every problem found.
func (e *engine) checkState(st State) (map[string]*policyStore, error) {
	e.mu.Lock()
	quota, lim := e.identitySourceQuota, e.limits
	e.mu.Unlock()

	if st.FormatVersion != StateFormatVersion {
		return nil, fmt.Errorf("formatVersion is %d; this fake reads formatVersion %d", st.FormatVersion, StateFormatVersion)
	}
	if n := len(st.PolicyStores); n > lim.policyStores {
		return nil, fmt.Errorf("the state has %d policy stores, more than the %d this fake holds (quota %s: WithMaxPolicyStores, vpfake -max-policy-stores)",
			n, lim.policyStores, policyStoreQuotaCode)
	}
	var p stateProblems
	var size int64
	stores := make(map[string]*policyStore, len(st.PolicyStores))
	storeAt := map[string]int{}     // policy store id → index
	sourceAt := map[string]string{} // identity source id → its place
	policyAt := map[string]string{} // policy id → its place
	for i, in := range st.PolicyStores {
		item := fmt.Sprintf("policyStores[%d]", i)
		if in.PolicyStoreID != "" {
			item += " (policy store " + in.PolicyStoreID + ")"
		}
		ps, ok := e.checkStoreState(&p, item, in)
		if es := ps.options().encryption; ok && es != nil && es.KMS != nil {
			if n := encryptionContextBytes(es.KMS.EncryptionContext); n > lim.encryptionContextBytes {
				p.add(item, "encryptionState.kmsEncryptionState.encryptionContext has keys and values of %d bytes in total, more than the limit of %d (WithMaxEncryptionContextBytes, vpfake -max-encryption-context-bytes)",
					n, lim.encryptionContextBytes)
				ok = false
			}
		}
		if j, dup := storeAt[in.PolicyStoreID]; dup && in.PolicyStoreID != "" {
			p.add(item, "policyStoreId %s is also the id of policyStores[%d]", in.PolicyStoreID, j)
			ok = false
		}
		storeAt[in.PolicyStoreID] = i
		if n := len(in.IdentitySources); n > quota {
			p.add(item, "has %d identity sources; a policy store has at most %d", n, quota)
			ok = false
		}
		for j, src := range in.IdentitySources {
			place := fmt.Sprintf("policyStores[%d].identitySources[%d]", i, j)
			sitem := storeItem(place, "identity source", src.IdentitySourceID, in.PolicyStoreID)
			is, sok := checkSourceState(&p, sitem, in.PolicyStoreID, src)
			sok = p.uniqueID(sourceAt, sitem, "identitySourceId", src.IdentitySourceID, place) && sok
			if ok && sok {
				size += sourceBytes(ps.addSource(is))
			}
		}
		nameAt := map[string]string{} // policy name → its place, in this store
		for j, pin := range in.Policies {
			place := fmt.Sprintf("policyStores[%d].policies[%d]", i, j)
			pitem := storeItem(place, "policy", pin.PolicyID, in.PolicyStoreID)
			pol, pok := checkPolicyState(&p, pitem, in.PolicyStoreID, pin)
			pok = p.uniqueID(policyAt, pitem, "policyId", pin.PolicyID, place) && pok
			if pin.Name != nil {
				if other, dup := nameAt[*pin.Name]; dup {
					p.add(pitem, "name %s is also the name of %s; a name is unique in its policy store", *pin.Name, other)
					pok = false
				}
				nameAt[*pin.Name] = place
			}
			if ok && pok {
				ps.putPolicy(pol)
				size += policyBytes(pol)
			}
		}
		if ok {
			stores[ps.id] = ps
			size += storeBytes(ps)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if size > lim.stateBytes {
		return nil, fmt.Errorf("the state takes about %d bytes, more than the limit of %d (quota %s: WithMaxStateBytes, vpfake -max-state-bytes)",
			size, lim.stateBytes, stateBytesQuotaCode)
	}
	return stores, nil
}

// storeItem names an item of a policy store in SetState's errors: its
// place in the State and, when it has one, its id.
func storeItem(place, kind, id, policyStoreID string) string {
	if id == "" {
		return place
	}
	return fmt.Sprintf("%s (%s %s of policy store %s)", place, kind, id, policyStoreID)
}

// uniqueID records that the item at place has the id member, and reports
// whether no earlier item had it, a problem of item otherwise. ids maps
// the ids seen to their places; an empty id is left to the schemas.
func (p *stateProblems) uniqueID(ids map[string]string, item, member, id, place string) bool {
	other, dup := ids[id]
	ids[id] = place
	if dup && id != "" {
		p.add(item, "%s %s is also the id of %s", member, id, other)
		return false
	}
	return true
}

// checkStoreState checks one policy store of a State against the
// GetPolicyStore output schema and the fake's own rules.
func (e *engine) checkStoreState(p *stateProblems, item string, in PolicyStoreState) (*policyStore, bool) {
	before := len(p.list) + p.extra
	if in.DeletionProtection == "" {
		in.DeletionProtection = "DISABLED"
	}
	if isNull(in.EncryptionState) {
		in.EncryptionState = nil
	}
	if in.Tags != nil && len(in.Tags) == 0 {
		in.Tags = nil
	}
	for _, v := range schemaViolations("GetPolicyStore", schemas.Output, policyStoreOutput[json.RawMessage]{
		PolicyStoreID:      in.PolicyStoreID,
		Arn:                in.Arn,
		ValidationSettings: validationSettings(in.ValidationSettings),
		CreatedDate:        in.CreatedDate,
		LastUpdatedDate:    in.LastUpdatedDate,
		Description:        in.Description,
		DeletionProtection: in.DeletionProtection,
		EncryptionState:    in.EncryptionState,
		Tags:               in.Tags,
	}) {
		p.add(item, "%s", v)
	}
	if want := policyStoreArn(e.account, in.PolicyStoreID); in.Arn != want {
		p.add(item, "arn %q is not %s, the ARN of this policy store in account %s", in.Arn, want, e.account)
	}
	created, updated, datesOK := p.stateDates(item, in.CreatedDate, in.LastUpdatedDate)
	if !datesOK || len(p.list)+p.extra > before {
		return nil, false
	}
	ps := &policyStore{
		created: stampOf(created),
		updated: stampOf(updated),
	}
	var err error
	if ps.validationMode, err = validationModeOf(in.ValidationSettings.Mode); err != nil {
		p.add(item, "validationSettings.mode: %v", err)
		return nil, false
	}
	if ps.deletionProtection, err = deletionProtectionOf(in.DeletionProtection); err != nil {
		p.add(item, "deletionProtection: %v", err)
		return nil, false
	}
	ps.id = inlineID(&ps.idBuf, in.PolicyStoreID)
	var opts storeOptions
	if in.Description != nil {
		d := *in.Description
		opts.description = &d
	}
	if in.EncryptionState != nil {
		var es encryptionState
		if err := json.Unmarshal(in.EncryptionState, &es); err != nil {
			p.add(item, "encryptionState: %v", err)
			return nil, false
		}
		opts.encryption = &es
	}
	if in.Tags != nil {
		opts.tags = make(map[string]string, len(in.Tags))
		for k, v := range in.Tags {
			opts.tags[k] = v
		}
	}
	ps.setOptions(opts)
	return ps, true
}

// identitySourceInputState is CreateIdentitySource's input as a state item
// gives it, for checking the configuration against that input's schema.
type identitySourceInputState struct {
	PolicyStoreID       string          `json:"policyStoreId"`
	Configuration       json.RawMessage `json:"configuration"`
	PrincipalEntityType string          `json:"principalEntityType"`
}

// checkSourceState checks one identity source of a State: its
// configuration and principal entity type against CreateIdentitySource's
// input schema, as the API checks them, and its id and dates against
// GetIdentitySource's output schema.
func checkSourceState(p *stateProblems, item, policyStoreID string, in IdentitySourceState) (identitySource, bool) {
	before := len(p.list) + p.extra
	var found []string
	if isNull(in.Configuration) {
		found = append(found, "configuration: Member must not be null")
	} else {
		found = append(found, schemaViolations("CreateIdentitySource", schemas.Input, identitySourceInputState{
			PolicyStoreID: policyStoreID, Configuration: in.Configuration, PrincipalEntityType: in.PrincipalEntityType,
		})...)
	}
	// GetIdentitySource's output without its configuration (checked above)
	// or details (derived).
	found = append(found, schemaViolations("GetIdentitySource", schemas.Output, identitySourceOutput{
		CreatedDate: in.CreatedDate, IdentitySourceID: in.IdentitySourceID, LastUpdatedDate: in.LastUpdatedDate,
		PolicyStoreID: policyStoreID, PrincipalEntityType: in.PrincipalEntityType,
	})...)
	// Both schemas check principalEntityType: say each problem once.
	p.addOnce(item, found)
	created, updated, datesOK := p.stateDates(item, in.CreatedDate, in.LastUpdatedDate)
	if !datesOK || len(p.list)+p.extra > before {
		return identitySource{}, false
	}
	var c configuration
	if err := json.Unmarshal(in.Configuration, &c); err != nil {
		p.add(item, "configuration: %v", err)
		return identitySource{}, false
	}
	return identitySource{
		id:                  in.IdentitySourceID,
		policyStoreID:       policyStoreID,
		principalEntityType: entityType(in.PrincipalEntityType),
		configuration:       normalise(c),
		created:             stampOf(created),
		updated:             stampOf(updated),
	}, true
}

// checkPolicyState checks one policy of a State: its statement,
// description and name against CreatePolicy's input schema and as
// CreatePolicy checks them (policy.go), and its id and dates against
// GetPolicy's output schema. A problem with the statement or description
// names the State's member (statement, description), not the API's path.
func checkPolicyState(p *stateProblems, item, policyStoreID string, in PolicyState) (*policy, bool) {
	before := len(p.list) + p.extra
	if in.Name != nil && *in.Name == "" {
		in.Name = nil // no name, as an UpdatePolicy with name "" leaves
	}
	def := policyDefinition{Static: &staticPolicyDefinition{Description: in.Description, Statement: in.Statement}}
	found := schemaViolations("CreatePolicy", schemas.Input, createPolicyInput{
		PolicyStoreID: policyStoreID, Definition: def, Name: in.Name,
	})
	found = append(found, schemaViolations("GetPolicy", schemas.Output, getPolicyOutput{
		PolicyStoreID: policyStoreID, PolicyID: in.PolicyID, PolicyType: policyTypeStatic, Definition: def,
		CreatedDate: in.CreatedDate, LastUpdatedDate: in.LastUpdatedDate, Name: in.Name,
	})...)
	// Both schemas check the definition and the name: say each problem
	// once, of the State's member.
	for i, v := range found {
		found[i] = strings.TrimPrefix(v, "definition.static.")
	}
	p.addOnce(item, found)
	if strings.HasPrefix(in.PolicyID, policyNamePrefix) {
		p.add(item, "policyId %s starts with %s, which names a policy by its name", in.PolicyID, policyNamePrefix)
	}
	if in.Name != nil {
		if err := checkPolicyName(*in.Name); err != nil {
			p.add(item, "name: %s", memberProblem(err))
		}
	}
	created, updated, datesOK := p.stateDates(item, in.CreatedDate, in.LastUpdatedDate)
	if !datesOK || len(p.list)+p.extra > before {
		return nil, false
	}
	parsed, scope, err := parseStatement(in.Statement, "statement")
	if err != nil {
		p.add(item, "statement: %s", memberProblem(err))
		return nil, false
	}
	pol := &policy{
		id:            in.PolicyID,
		policyStoreID: policyStoreID,
		statement:     in.Statement,
		description:   cloneString(in.Description),
		parsed:        parsed,
		scope:         scope,
		created:       created,
		updated:       updated,
	}
	if in.Name != nil {
		pol.name = *in.Name
	}
	return pol, true
}

// memberProblem is what a ValidationException about one member says of it.
func memberProblem(err error) string {
	var ve *ValidationException
	if errors.As(err, &ve) && len(ve.FieldList) == 1 {
		return ve.FieldList[0].Message
	}
	return err.Error()
}

// policyStoreArn is the ARN of a policy store: no Region, as documented.
func policyStoreArn(account, id string) string {
	return fmt.Sprintf("arn:aws:verifiedpermissions::%s:policy-store/%s", account, id)
}

// recordInitial records the state a server starts with in the history of
// recent versions, as visible from the beginning of time.
func (e *engine) recordInitial() {
	if e.hist == nil {
		return
	}
	e.hist.reset()
	for _, ps := range e.policyStores {
		e.hist.recordStore(time.Time{}, ps.id, ps)
		for _, is := range ps.identitySources {
			e.hist.recordSource(time.Time{}, ps.id, is.id, is)
		}
	}
}

// replace swaps the whole state for stores, checked by checkState, and
// forgets clientTokens and the history of recent versions.
func (e *engine) replace(stores map[string]*policyStore) {
	_, _ = write(e, func() (struct{}, bool, error) {
		e.install(stores)
		return struct{}{}, true, nil
	})
}

// install makes stores, checked by checkState, the whole state, with no
// clientTokens and no history: the state is visible at once. The caller
// holds mu, or owns e alone.
func (e *engine) install(stores map[string]*policyStore) {
	e.clear()
	e.policyStores = stores
	for _, ps := range stores {
		e.liveBytes += storeBytes(ps)
		for _, is := range ps.identitySources {
			e.sources.add(is.id)
			e.liveBytes += sourceBytes(is)
			is.configuration = e.configs.share(is.configuration)
		}
		for _, p := range ps.policies {
			e.indexPolicy(ps.id, p)
		}
	}
	e.recordInitial()
}
