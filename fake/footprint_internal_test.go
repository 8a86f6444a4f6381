package fake

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// footprintEngine is an engine with a fixed clock and a seeded id source.
func footprintEngine(t *testing.T) *engine {
	t.Helper()
	o := defaultOptions()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	o.now = func() time.Time { return now }
	return newEngine(o, newIDSource(3, true))
}

// footprintPair creates a policy store and an identity source in it with
// the Cognito configuration of userPoolArn and clientIDs.
func footprintPair(t *testing.T, e *engine, userPoolArn string, clientIDs ...string) (store, source string) {
	t.Helper()
	ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatalf("CreatePolicyStore: %v, want no error", err)
	}
	is, err := e.createIdentitySource(createIdentitySourceInput{
		PolicyStoreID: ps.PolicyStoreID,
		Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: strings.Clone(userPoolArn), ClientIDs: clientIDs}},
	})
	if err != nil {
		t.Fatalf("CreateIdentitySource: %v, want no error", err)
	}
	return ps.PolicyStoreID, is.IdentitySourceID
}

// TestSharedConfigurations checks identity sources with identical Cognito
// configurations share one copy, counted, and that replacing or deleting
// one changes nothing of another's.
func TestSharedConfigurations(t *testing.T) {
	e := footprintEngine(t)
	const arnA = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa"
	const arnB = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_bbbbbbbbb"
	s1, i1 := footprintPair(t, e, arnA, "client-1", "client-2")
	s2, i2 := footprintPair(t, e, arnA, "client-1", "client-2")
	s3, i3 := footprintPair(t, e, arnA, "client-1:2client-2") // the same bytes, other ids
	config := func(store, source string) *cognitoUserPoolConfiguration {
		t.Helper()
		_, is, err := e.lookup(store, source)
		if err != nil {
			t.Fatalf("identity source %s: %v, want it found", source, err)
		}
		return is.configuration.Cognito
	}
	if config(s1, i1) != config(s2, i2) {
		t.Error("two identity sources of identical configurations hold two copies, want one")
	}
	if config(s1, i1) == config(s3, i3) {
		t.Error("identity sources of other client ids share a configuration")
	}
	if n := len(e.configs); n != 2 {
		t.Errorf("%d shared configurations, want 2", n)
	}

	// Replacing the first's configuration leaves the second's as it was.
	if _, err := e.updateIdentitySource(updateIdentitySourceInput{PolicyStoreID: s1, IdentitySourceID: i1,
		UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arnB}}}); err != nil {
		t.Fatalf("UpdateIdentitySource: %v, want no error", err)
	}
	out := getIdentitySourceValue(t, e, identitySourceRef{PolicyStoreID: s2, IdentitySourceID: i2})
	if c := out.Configuration.Cognito; c == nil || c.UserPoolArn != arnA || strings.Join(c.ClientIDs, ",") != "client-1,client-2" {
		t.Errorf("the second identity source's configuration after the first's update: %+v, want %s with client-1 and client-2", c, arnA)
	}
	if n := len(e.configs); n != 3 {
		t.Errorf("%d shared configurations after the update, want 3", n)
	}
	if s := e.configs[cognitoKeyOf(config(s2, i2))]; s.refs != 1 {
		t.Errorf("the second's configuration counted %d times, want 1", s.refs)
	}

	// A configuration no live identity source holds is dropped.
	if _, err := e.deletePolicyStore(deletePolicyStoreInput{PolicyStoreID: s2}); err != nil {
		t.Fatalf("DeletePolicyStore: %v, want no error", err)
	}
	if _, err := e.deleteIdentitySource(identitySourceRef{PolicyStoreID: s3, IdentitySourceID: i3}); err != nil {
		t.Fatalf("DeleteIdentitySource: %v, want no error", err)
	}
	if n := len(e.configs); n != 1 {
		t.Errorf("%d shared configurations after the deletions, want 1 (the first's)", n)
	}
	e.clear()
	if n := len(e.configs); n != 0 {
		t.Errorf("%d shared configurations after clear, want 0", n)
	}
}

// TestIDsInline checks the ids of the resources the fake draws are held
// in the resources, and that a State's ids of other lengths are kept.
func TestIDsInline(t *testing.T) {
	e := footprintEngine(t)
	store, source := footprintPair(t, e, "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa")
	ps, is, err := e.lookup(store, source)
	if err != nil {
		t.Fatalf("lookup: %v, want the pair found", err)
	}
	if unsafe.StringData(ps.id) != &ps.idBuf[0] || unsafe.StringData(is.id) != &is.idBuf[0] {
		t.Errorf("ids %q and %q are not held in their resources", ps.id, is.id)
	}
	if is != &ps.source0 || unsafe.StringData(is.policyStoreID) != &ps.idBuf[0] {
		t.Errorf("the first identity source is not held in its policy store")
	}
	if id := inlineID(&ps.idBuf, "short"); id != "short" {
		t.Errorf("inlineID of an id of 5 bytes: %q, want it as it was", id)
	}
	var s idSet
	s.add("short")
	s.add(store)
	if !s.has("short") || !s.has(store) || s.has(source) || s.len() != 2 {
		t.Errorf("idSet of %q and %q: has %v, %v, %v (want true, true, false), len %d (want 2)", "short", store, s.has("short"), s.has(store), s.has(source), s.len())
	}
	s.remove("short")
	s.remove(store)
	if s.len() != 0 {
		t.Errorf("idSet after removing both: len %d, want 0", s.len())
	}
}

// TestSourceDeletedAndAnother checks a policy store's first identity
// source, held in the store, is not reused once deleted: the next one is
// a resource of its own and the first's answers stay as they were.
func TestSourceDeletedAndAnother(t *testing.T) {
	e := footprintEngine(t)
	store, first := footprintPair(t, e, "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa")
	// An answer value that names the first source through its held id
	// (ListIdentitySources' items do), and copies to hold it to.
	list, err := e.listIdentitySources(listIdentitySourcesInput{PolicyStoreID: store})
	if err != nil || len(list.IdentitySources) != 1 {
		t.Fatalf("ListIdentitySources: %d items, %v; want 1, no error", len(list.IdentitySources), err)
	}
	before := list.IdentitySources[0]
	first, store = strings.Clone(first), strings.Clone(store)
	if _, err := e.deleteIdentitySource(identitySourceRef{PolicyStoreID: store, IdentitySourceID: first}); err != nil {
		t.Fatalf("DeleteIdentitySource: %v, want no error", err)
	}
	second, err := e.createIdentitySource(createIdentitySourceInput{PolicyStoreID: store,
		Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_bbbbbbbbb"}}})
	if err != nil {
		t.Fatalf("CreateIdentitySource after the deletion: %v, want no error", err)
	}
	ps := e.policyStores[store]
	if len(ps.identitySources) != 1 || ps.identitySources[0] == &ps.source0 || ps.identitySources[0].id != second.IdentitySourceID {
		t.Errorf("after deleting the first identity source and creating %s: %d identity sources, the first held in the store: %v",
			second.IdentitySourceID, len(ps.identitySources), len(ps.identitySources) > 0 && ps.identitySources[0] == &ps.source0)
	}
	if before.IdentitySourceID != first || before.PolicyStoreID != store {
		t.Errorf("the first answer now names %s of %s, want %s of %s", before.IdentitySourceID, before.PolicyStoreID, first, store)
	}
}

// TestConcurrentReadsAndWrites serves GetIdentitySource and
// ListIdentitySources, whose answers are written after the lock is
// released and point into the resources, while the same identity source
// is updated and another store's deleted and created again: under -race,
// a write to what an answer points into is reported, and each
// GetIdentitySource answer must be one version of the identity source.
func TestConcurrentReadsAndWrites(t *testing.T) {
	s := NewServer(WithoutListener())
	defer s.Close()
	pairs := fillPairs(t, s, 2)
	store, source := string(pairs[0].store[:]), string(pairs[0].source[:])
	get := `{"policyStoreId":"` + store + `","identitySourceId":"` + source + `"}`
	list := `{"policyStoreId":"` + store + `"}`
	other, otherSource := string(pairs[1].store[:]), string(pairs[1].source[:])
	var wg sync.WaitGroup
	for _, op := range []struct{ name, body string }{{"GetIdentitySource", get}, {"ListIdentitySources", list}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := newScaleRequest(op.name)
			for range 200 {
				w := req.serve(s.Handler(), []byte(op.body))
				if w.code != 200 || !strings.Contains(w.body.String(), source) {
					t.Errorf("%s: HTTP %d %s, want 200 naming %s", op.name, w.code, w.body.String(), source)
					return
				}
				if op.name != "GetIdentitySource" {
					continue
				}
				// One version of the identity source, not parts of two.
				var got identitySourceOutput
				if err := json.Unmarshal(w.body.Bytes(), &got); err != nil || got.Details == nil || got.Configuration == nil || got.Configuration.Cognito == nil ||
					got.Details.UserPoolArn != got.Configuration.Cognito.UserPoolArn {
					t.Errorf("GetIdentitySource: %s (%v), want details and configuration naming the same user pool", w.body.String(), err)
					return
				}
			}
		}()
	}
	for i := range 200 {
		arn := scaleUserPoolArn
		if i%2 == 1 {
			arn = strings.Replace(arn, "1a2b3c4d5", "5d4c3b2a1", 1)
		}
		if _, err := s.engine.updateIdentitySource(updateIdentitySourceInput{PolicyStoreID: store, IdentitySourceID: source,
			UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arn}}}); err != nil {
			t.Fatalf("UpdateIdentitySource %d: %v, want no error", i, err)
		}
		if _, err := s.engine.deleteIdentitySource(identitySourceRef{PolicyStoreID: other, IdentitySourceID: otherSource}); err != nil {
			t.Fatalf("DeleteIdentitySource %d: %v, want no error", i, err)
		}
		out, err := s.engine.createIdentitySource(createIdentitySourceInput{PolicyStoreID: other,
			Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arn}}})
		if err != nil {
			t.Fatalf("CreateIdentitySource %d: %v, want no error", i, err)
		}
		otherSource = out.IdentitySourceID
	}
	wg.Wait()
}

// TestEntityTypesShared checks identity sources naming the same principal
// entity type, created or updated with copies of it of their own, hold one
// copy of it.
func TestEntityTypesShared(t *testing.T) {
	e := footprintEngine(t)
	const arn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa"
	var held []*identitySource
	for i := range 3 {
		ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
		if err != nil {
			t.Fatalf("CreatePolicyStore: %v, want no error", err)
		}
		typ := strings.Clone("MyCorp::User")
		in := createIdentitySourceInput{PolicyStoreID: ps.PolicyStoreID, PrincipalEntityType: &typ,
			Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arn}}}
		is, err := e.createIdentitySource(in)
		if err != nil {
			t.Fatalf("CreateIdentitySource: %v, want no error", err)
		}
		if i == 2 { // the third names it through an update
			other, same := strings.Clone("MyCorp::Other"), strings.Clone("MyCorp::User")
			for _, typ := range []*string{&other, &same} {
				if _, err := e.updateIdentitySource(updateIdentitySourceInput{PolicyStoreID: ps.PolicyStoreID, IdentitySourceID: is.IdentitySourceID,
					PrincipalEntityType: typ, UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arn}}}); err != nil {
					t.Fatalf("UpdateIdentitySource: %v, want no error", err)
				}
			}
		}
		held = append(held, e.policyStores[ps.PolicyStoreID].identitySources[0])
	}
	for i, is := range held {
		if is.principalEntityType != "MyCorp::User" || unsafe.StringData(is.principalEntityType) != unsafe.StringData(held[0].principalEntityType) {
			t.Errorf("identity source %d holds principal entity type %q at %p, want the first's %q at %p", i,
				is.principalEntityType, unsafe.StringData(is.principalEntityType), held[0].principalEntityType, unsafe.StringData(held[0].principalEntityType))
		}
	}
}

// getIdentitySourceValue is GetIdentitySource's answer, as the API writes
// it (getIdentitySourceJSON), decoded.
func getIdentitySourceValue(t *testing.T, e *engine, ref identitySourceRef) identitySourceOutput {
	t.Helper()
	enc, err := e.getIdentitySourceJSON(ref)
	if err != nil {
		t.Fatalf("GetIdentitySource: %v, want no error", err)
	}
	defer enc.release()
	var out identitySourceOutput
	if err := json.Unmarshal(enc.b, &out); err != nil {
		t.Fatalf("GetIdentitySource's answer %s does not decode: %v", enc.b, err)
	}
	return out
}
