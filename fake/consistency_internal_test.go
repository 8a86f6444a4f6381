package fake

import (
	"testing"
	"time"
)

// TestHistoryPruning checks the history keeps only what a read can still
// see: the versions younger than the delay plus the one before, and
// nothing of a resource deleted longer ago than the delay.
func TestHistoryPruning(t *testing.T) {
	now := time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)
	o := defaultOptions()
	o.now, o.propagation = func() time.Time { return now }, 5*time.Second
	e := newEngine(o, newIDSource(1, true))
	ps, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Second) // the store is visible to the existence check
	is, err := e.createIdentitySource(createIdentitySourceInput{
		PolicyStoreID: ps.PolicyStoreID,
		Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Second)
	for range 100 {
		now = now.Add(time.Second)
		if _, err := e.updateIdentitySource(updateIdentitySourceInput{
			PolicyStoreID: ps.PolicyStoreID, IdentitySourceID: is.IdentitySourceID,
			UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"}},
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Versions at now-5s … now are younger or equal; one before them.
	if n := len(e.hist.sources[ps.PolicyStoreID][is.IdentitySourceID]); n > 6 {
		t.Errorf("%d versions of the identity source kept, want at most 6", n)
	}
	if n := len(e.hist.stores[ps.PolicyStoreID]); n != 1 {
		t.Errorf("%d versions of the policy store kept, want 1", n)
	}

	if _, err := e.deletePolicyStore(deletePolicyStoreInput{PolicyStoreID: ps.PolicyStoreID}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(5 * time.Second)
	if _, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}}); err != nil {
		t.Fatal(err) // any write prunes
	}
	if _, ok := e.hist.stores[ps.PolicyStoreID]; ok {
		t.Error("the deleted policy store is still in the history")
	}
	if _, ok := e.hist.sources[ps.PolicyStoreID]; ok {
		t.Error("the deleted policy store's identity sources are still in the history")
	}
}

// TestHistoryClockGoesBack checks versions stay in order when the clock
// moves backwards.
func TestHistoryClockGoesBack(t *testing.T) {
	h := newHistory(time.Second)
	t0 := time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)
	h.recordStore(t0, "p", &policyStore{id: "p", deletionProtection: protectionDisabled})
	h.recordStore(t0.Add(-time.Hour), "p", nil)
	if _, ok := h.storeAt("p", t0.Add(-time.Minute)); ok {
		t.Error("visible before it was created")
	}
	if _, ok := h.storeAt("p", t0); ok {
		t.Error("the deletion recorded with an earlier time was not applied after the creation")
	}
}
