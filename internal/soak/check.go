package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// markerEntityPrefix starts the principalEntityType of every identity
// source the soak writes: "Soak::<marker>". The marker names the write, and
// every other member of the configuration carries it too.
const markerEntityPrefix = "Soak::"

// storeWrite is a CreatePolicyStore the soak sent: its marker (the store's
// description) and what GetPolicyStore with tags must answer for it.
type storeWrite struct {
	marker string
	id     string // "" until the create is answered
	// want is GetPolicyStore's output, without the members the fake
	// fills in (ids, ARN, dates, cedarVersion), canonical JSON.
	want string
}

// sourceWrite is a CreateIdentitySource or UpdateIdentitySource the soak
// sent.
type sourceWrite struct {
	marker   string
	storeID  string
	sourceID string // "" until a create is answered
	// configuration is the configuration as sent, canonical JSON.
	configuration string
	// supersededAt is when a later write to the same identity source was
	// answered, or the write failed; zero while it may be the latest.
	supersededAt time.Time
}

// registry remembers every write the clients sent, so that any read,
// by any client, can be checked against them: a read must return exactly
// one configuration that was written to that resource, never a mixture of
// two. It is safe for concurrent use.
type registry struct {
	mu      sync.Mutex
	stores  map[string]*storeWrite  // by marker
	sources map[string]*sourceWrite // by marker
	// deleted holds when each deleted policy store's deletion was
	// answered, by id, until forget drops its writes.
	deleted map[string]time.Time
}

func newRegistry() *registry {
	return &registry{stores: map[string]*storeWrite{}, sources: map[string]*sourceWrite{}, deleted: map[string]time.Time{}}
}

// canonical re-encodes JSON with sorted keys and no space.
func canonical(b []byte) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("decode JSON: %w", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode JSON: %w", err)
	}
	return string(out), nil
}

// mustCanonical is canonical for values the soak built itself.
func mustCanonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("soak: encode its own request: %v", err))
	}
	s, err := canonical(b)
	if err != nil {
		panic(fmt.Sprintf("soak: encode its own request: %v", err))
	}
	return s
}

// expectedStore is what GetPolicyStore (with tags) answers for a create
// input, without the members the fake fills in.
func expectedStore(in map[string]any) string {
	want := map[string]any{
		"validationSettings": in["validationSettings"],
		"description":        in["description"],
		"deletionProtection": in["deletionProtection"],
		"tags":               in["tags"],
	}
	if es, ok := in["encryptionSettings"].(map[string]any); ok {
		if kms, ok := es["kmsEncryptionSettings"].(map[string]any); ok {
			want["encryptionState"] = map[string]any{"kmsEncryptionState": kms}
		} else {
			want["encryptionState"] = map[string]any{"default": map[string]any{}}
		}
	}
	return mustCanonical(want)
}

// addStore registers a CreatePolicyStore about to be sent.
func (r *registry) addStore(marker string, in map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stores[marker] = &storeWrite{marker: marker, want: expectedStore(in)}
}

// storeCreated records the id a CreatePolicyStore answered.
func (r *registry) storeCreated(marker, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.stores[marker]; ok {
		w.id = id
	}
}

// addSource registers a write of an identity source about to be sent;
// sourceID is "" for a create.
func (r *registry) addSource(marker, storeID, sourceID string, configuration any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources[marker] = &sourceWrite{marker: marker, storeID: storeID, sourceID: sourceID, configuration: mustCanonical(configuration)}
}

// sourceWritten records that a write was answered: a create's id, and that
// the earlier writes to the identity source are superseded.
func (r *registry) sourceWritten(marker, sourceID string, earlier []string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.sources[marker]; ok {
		w.sourceID = sourceID
	}
	for _, m := range earlier {
		if w, ok := r.sources[m]; ok && w.supersededAt.IsZero() {
			w.supersededAt = at
		}
	}
}

// sourceFailed records that a write was refused: it never applied.
func (r *registry) sourceFailed(marker string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.sources[marker]; ok {
		w.supersededAt = at
	}
}

// storeDeleted records a policy store's deletion, answered at at.
func (r *registry) storeDeleted(id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deleted[id] = at
}

// forget drops the writes no read can return any more: those superseded,
// and those of policy stores deleted, before cutoff. It keeps the
// registry from growing with the length of the soak.
func (r *registry) forget(cutoff time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	gone := map[string]bool{}
	for id, at := range r.deleted {
		if at.Before(cutoff) {
			gone[id] = true
			delete(r.deleted, id)
		}
	}
	for m, w := range r.sources {
		if gone[w.storeID] || (!w.supersededAt.IsZero() && w.supersededAt.Before(cutoff)) {
			delete(r.sources, m)
		}
	}
	for m, w := range r.stores {
		if gone[w.id] {
			delete(r.stores, m)
		}
	}
}

// size is how many writes the registry holds.
func (r *registry) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.stores) + len(r.sources)
}

// storeOutput is GetPolicyStore's output as the soak reads it.
type storeOutput struct {
	PolicyStoreID      string          `json:"policyStoreId"`
	Arn                string          `json:"arn"`
	ValidationSettings json.RawMessage `json:"validationSettings"`
	Description        *string         `json:"description"`
	DeletionProtection json.RawMessage `json:"deletionProtection"`
	EncryptionState    json.RawMessage `json:"encryptionState"`
	Tags               json.RawMessage `json:"tags"`
	CreatedDate        string          `json:"createdDate"`
	LastUpdatedDate    string          `json:"lastUpdatedDate"`
}

// checkStore checks a GetPolicyStore answer (asked with tags) for the
// store id asked: it must be the store one CreatePolicyStore made, with
// exactly what that create sent.
func (r *registry) checkStore(id string, body []byte) error {
	var out storeOutput
	if err := json.Unmarshal(body, &out); err != nil {
		return fmt.Errorf("GetPolicyStore %s: answer is not a policy store: %w", id, err)
	}
	if out.PolicyStoreID != id {
		return fmt.Errorf("GetPolicyStore %s: answered policy store %q", id, out.PolicyStoreID)
	}
	if out.Description == nil {
		return fmt.Errorf("GetPolicyStore %s: no description, so no marker: %s", id, body)
	}
	r.mu.Lock()
	w, ok := r.stores[*out.Description]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("GetPolicyStore %s: description %q is the marker of no CreatePolicyStore sent", id, *out.Description)
	}
	if w.id != "" && w.id != id {
		return fmt.Errorf("GetPolicyStore %s: answered the store created as %s (marker %s)", id, w.id, w.marker)
	}
	got := map[string]json.RawMessage{
		"validationSettings": out.ValidationSettings, "description": mustRaw(*out.Description),
		"deletionProtection": out.DeletionProtection, "tags": out.Tags,
	}
	if len(out.EncryptionState) > 0 && string(out.EncryptionState) != "null" {
		got["encryptionState"] = out.EncryptionState
	}
	for k, v := range got {
		if len(v) == 0 || string(v) == "null" {
			delete(got, k)
		}
	}
	b, err := json.Marshal(got)
	if err != nil {
		return fmt.Errorf("GetPolicyStore %s: %w", id, err)
	}
	gotCanon, err := canonical(b)
	if err != nil {
		return fmt.Errorf("GetPolicyStore %s: %w", id, err)
	}
	if gotCanon != w.want {
		return fmt.Errorf("GetPolicyStore %s: answered %s, but marker %s was created with %s", id, gotCanon, w.marker, w.want)
	}
	return nil
}

func mustRaw(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// sourceOutput is GetIdentitySource's output, and a ListIdentitySources
// item, as the soak reads them.
type sourceOutput struct {
	PolicyStoreID       string                     `json:"policyStoreId"`
	IdentitySourceID    string                     `json:"identitySourceId"`
	PrincipalEntityType string                     `json:"principalEntityType"`
	Configuration       map[string]json.RawMessage `json:"configuration"`
	CreatedDate         string                     `json:"createdDate"`
	LastUpdatedDate     string                     `json:"lastUpdatedDate"`
}

// checkSource checks an identity source read from policy store storeID
// (and, when sourceID is not empty, asked by that id): it must be exactly
// one configuration written to that identity source, with the
// principalEntityType of the same write. It returns the marker read.
func (r *registry) checkSource(storeID, sourceID string, body []byte) (string, error) {
	var out sourceOutput
	if err := json.Unmarshal(body, &out); err != nil {
		return "", fmt.Errorf("identity source %s/%s: answer is not an identity source: %w", storeID, sourceID, err)
	}
	where := fmt.Sprintf("identity source %s/%s", storeID, out.IdentitySourceID)
	if out.PolicyStoreID != storeID {
		return "", fmt.Errorf("%s: answered for policy store %q", where, out.PolicyStoreID)
	}
	if sourceID != "" && out.IdentitySourceID != sourceID {
		return "", fmt.Errorf("%s: asked for %s", where, sourceID)
	}
	marker, ok := strings.CutPrefix(out.PrincipalEntityType, markerEntityPrefix)
	if !ok {
		return "", fmt.Errorf("%s: principalEntityType %q is not one the soak writes", where, out.PrincipalEntityType)
	}
	r.mu.Lock()
	w, ok := r.sources[marker]
	var wc sourceWrite
	if ok {
		wc = *w
	}
	r.mu.Unlock()
	if !ok {
		return marker, fmt.Errorf("%s: principalEntityType names marker %s, of no write sent (or of one long superseded)", where, marker)
	}
	if wc.storeID != storeID {
		return marker, fmt.Errorf("%s: answered marker %s, written to policy store %s", where, marker, wc.storeID)
	}
	if wc.sourceID != "" && wc.sourceID != out.IdentitySourceID {
		return marker, fmt.Errorf("%s: answered marker %s, written to identity source %s", where, marker, wc.sourceID)
	}
	got, err := inputConfiguration(out.Configuration)
	if err != nil {
		return marker, fmt.Errorf("%s: %w", where, err)
	}
	if got != wc.configuration {
		return marker, fmt.Errorf("%s: torn or merged read: principalEntityType of marker %s with configuration %s; marker %s wrote %s",
			where, marker, got, marker, wc.configuration)
	}
	return marker, nil
}

// inputConfiguration turns a configuration as answered back into the form
// it was sent in, canonical: exactly one union member, and for Cognito
// without the issuer the fake derives.
func inputConfiguration(c map[string]json.RawMessage) (string, error) {
	if len(c) != 1 {
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		return "", fmt.Errorf("configuration has %d union members %v, not exactly one", len(c), keys)
	}
	out := map[string]any{}
	for k, raw := range c {
		var member map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&member); err != nil {
			return "", fmt.Errorf("configuration member %s: %w", k, err)
		}
		if k == "cognitoUserPoolConfiguration" {
			delete(member, "issuer")
		}
		out[k] = member
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("configuration: %w", err)
	}
	return canonical(b)
}

// heapVerdict says whether the heap after the soak, a reset and a garbage
// collection is near where it started: at most slack bytes above.
func heapVerdict(start, end, slack uint64) error {
	if end > start+slack {
		return fmt.Errorf("heap after reset and GC is %s, more than %s above its start of %s", mib(end), mib(slack), mib(start))
	}
	return nil
}

// mib renders a byte count in MiB.
func mib(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// injectedMarker is in the message of every error an injected fault sends
// (the soak's faults leave the message to its default).
const injectedMarker = "injected by the vpconform fake"

// apiError is an error answer of the API.
type apiError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// injected reports whether an error answer came from an injected fault.
func (e apiError) injected() bool {
	return strings.Contains(e.Message, injectedMarker)
}
