package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

// uncachedAnswer encodes GetIdentitySource's answer afresh, as the cache
// would if it were empty.
func uncachedAnswer(t *testing.T, e *engine, ref identitySourceRef) string {
	t.Helper()
	out, err := e.getIdentitySource(ref)
	if err != nil {
		t.Fatalf("GetIdentitySource(%+v): %v, want no error", ref, err)
	}
	return string(out.appendJSON(nil))
}

// TestCachedAnswerFollowsChanges reads an identity source, changes it with
// a clock that does not move (the golden runs' fixed clock), and reads it
// again: the cached answer must never outlive a change.
func TestCachedAnswerFollowsChanges(t *testing.T) {
	e := footprintEngine(t)
	const arnA = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa"
	const arnB = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_bbbbbbbbb"
	store, source := footprintPair(t, e, arnA, "client-1")
	ref := identitySourceRef{PolicyStoreID: store, IdentitySourceID: source}
	read := func(step string) string {
		t.Helper()
		got, err := e.getIdentitySourceEncoded(ref)
		if err != nil {
			t.Fatalf("%s: GetIdentitySource: %v, want no error", step, err)
		}
		if want := uncachedAnswer(t, e, ref); string(got) != want {
			t.Fatalf("%s: answered %s, want %s (the answer encoded afresh)", step, got, want)
		}
		return string(got)
	}
	first := read("first read")
	if again := read("second read"); again != first {
		t.Fatalf("a second read answered %s, want the first's %s", again, first)
	}
	if _, ok := e.answers[e.policyStores[store].identitySources[0]]; !ok {
		t.Fatal("no answer cached after two reads: the cache is not used")
	}
	for i, arn := range []string{arnB, arnA, arnA} {
		if _, err := e.updateIdentitySource(updateIdentitySourceInput{PolicyStoreID: store, IdentitySourceID: source,
			UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: arn, ClientIDs: []string{fmt.Sprint("client-", i+2)}}}}); err != nil {
			t.Fatalf("update %d: %v, want no error", i, err)
		}
		got := read(fmt.Sprintf("read after update %d", i))
		var out struct {
			Configuration struct {
				Cognito struct {
					UserPoolArn string   `json:"userPoolArn"`
					ClientIDs   []string `json:"clientIds"`
				} `json:"cognitoUserPoolConfiguration"`
			} `json:"configuration"`
		}
		if err := json.Unmarshal([]byte(got), &out); err != nil {
			t.Fatal(err)
		}
		if c := out.Configuration.Cognito; c.UserPoolArn != arn || len(c.ClientIDs) != 1 || c.ClientIDs[0] != fmt.Sprint("client-", i+2) {
			t.Fatalf("read after update %d: configuration %+v, want %s with client-%d", i, c, arn, i+2)
		}
	}
	if _, err := e.deleteIdentitySource(ref); err != nil {
		t.Fatalf("DeleteIdentitySource: %v, want no error", err)
	}
	var nf *ResourceNotFoundException
	if _, err := e.getIdentitySourceEncoded(ref); !errors.As(err, &nf) {
		t.Fatalf("GetIdentitySource after the deletion: %v, want ResourceNotFoundException", err)
	}
	e.clear()
	if len(e.answers) != 0 {
		t.Fatalf("%d answers cached after a reset, want none", len(e.answers))
	}
}

// TestAnswerCacheIsBounded reads more identity sources than the cache
// holds: it keeps at most answerCacheSize answers, each still right.
func TestAnswerCacheIsBounded(t *testing.T) {
	e := footprintEngine(t)
	var refs []identitySourceRef
	for range answerCacheSize + 50 {
		store, source := footprintPair(t, e, "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa")
		refs = append(refs, identitySourceRef{PolicyStoreID: store, IdentitySourceID: source})
	}
	for round := range 2 {
		for _, ref := range refs {
			got, err := e.getIdentitySourceEncoded(ref)
			if err != nil {
				t.Fatal(err)
			}
			if want := uncachedAnswer(t, e, ref); string(got) != want {
				t.Fatalf("round %d: %s answered %s, want %s", round, ref.IdentitySourceID, got, want)
			}
		}
		if n := len(e.answers); n > answerCacheSize {
			t.Fatalf("round %d: %d answers cached, want at most %d", round, n, answerCacheSize)
		}
	}
}

// TestNoCacheUnderPropagationDelay: reads under a delay see the history's
// copies, which are never cached.
func TestNoCacheUnderPropagationDelay(t *testing.T) {
	o := defaultOptions()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	o.now = func() time.Time { return now }
	o.propagation = time.Second
	e := newEngine(o, newIDSource(3, true))
	ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatalf("CreatePolicyStore: %v, want no error", err)
	}
	now = now.Add(2 * time.Second) // past the delay: the store is seen
	is, err := e.createIdentitySource(createIdentitySourceInput{PolicyStoreID: ps.PolicyStoreID,
		Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_aaaaaaaaa"}}})
	if err != nil {
		t.Fatalf("CreateIdentitySource: %v, want no error", err)
	}
	now = now.Add(2 * time.Second) // and so is the identity source
	ref := identitySourceRef{PolicyStoreID: ps.PolicyStoreID, IdentitySourceID: is.IdentitySourceID}
	for i := range 3 {
		got, err := e.getIdentitySourceEncoded(ref)
		if err != nil {
			t.Fatalf("read %d after the delay: %v, want the identity source", i, err)
		}
		if want := uncachedAnswer(t, e, ref); string(got) != want {
			t.Fatalf("read %d: answered %s, want %s", i, got, want)
		}
	}
	if n := len(e.answers); n != 0 {
		t.Fatalf("%d answers cached under a propagation delay, want none", n)
	}
}
