package fake

import (
	"fmt"
	"strings"
	"testing"
)

// Test-only values of a filled server's identity sources.
const (
	scaleUserPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5"
	scaleClientID    = "a1b2c3d4e5f6g7h8i9j0kalbmc"
)

// scalePair is the ids of a policy store and of its identity source, kept
// as arrays, not strings, so that a million of them hold no pointer for
// the garbage collector to scan.
type scalePair struct {
	store, source [idLength]byte
}

// fillPairs creates n policy stores with one Cognito identity source each,
// both with a clientToken as every SDK sends one, through the engine's
// typed operations: what the handler calls once a request is decoded and
// valid, without the HTTP and JSON around it, which would take minutes
// for a million. The strings of each input are fresh copies, as a decoded
// request's are, so that the state holds what requests would have left.
func fillPairs(tb testing.TB, s *Server, n int) []scalePair {
	tb.Helper()
	pairs := make([]scalePair, n)
	for i := range pairs {
		storeToken := fmt.Sprintf("store-%09d", i)
		ps, err := s.engine.createPolicyStore(createPolicyStoreInput{
			ClientToken:        &storeToken,
			ValidationSettings: validationSettings{Mode: strings.Clone("OFF")},
		})
		if err != nil {
			tb.Fatalf("pair %d: CreatePolicyStore: %v, want no error", i, err)
		}
		sourceToken := fmt.Sprintf("source-%09d", i)
		is, err := s.engine.createIdentitySource(createIdentitySourceInput{
			ClientToken:   &sourceToken,
			PolicyStoreID: strings.Clone(ps.PolicyStoreID),
			Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{
				UserPoolArn: strings.Clone(scaleUserPoolArn),
				ClientIDs:   []string{strings.Clone(scaleClientID)},
			}},
		})
		if err != nil {
			tb.Fatalf("pair %d: CreateIdentitySource: %v, want no error", i, err)
		}
		if len(ps.PolicyStoreID) != idLength || len(is.IdentitySourceID) != idLength {
			tb.Fatalf("pair %d: ids %q and %q, want %d characters each", i, ps.PolicyStoreID, is.IdentitySourceID, idLength)
		}
		copy(pairs[i].store[:], ps.PolicyStoreID)
		copy(pairs[i].source[:], is.IdentitySourceID)
	}
	return pairs
}

// TestFillPairs checks fillPairs leaves what the same creates through
// the handler leave: the pairs it returns answer GetIdentitySource, and
// a replay of a create with its clientToken answers the same resource.
func TestFillPairs(t *testing.T) {
	s := NewServer(WithoutListener())
	defer s.Close()
	pairs := fillPairs(t, s, 3)
	if u := s.Usage(); u.PolicyStores != 3 || u.IdentitySources != 3 || u.ClientTokens != 6 {
		t.Errorf("usage %+v, want 3 policy stores, 3 identity sources and 6 clientTokens", u)
	}
	for i, p := range pairs {
		body := `{"policyStoreId":"` + string(p.store[:]) + `","identitySourceId":"` + string(p.source[:]) + `"}`
		w := newScaleRequest("GetIdentitySource").serve(s.Handler(), []byte(body))
		if w.code != 200 || !strings.Contains(w.body.String(), `"userPoolArn":"`+scaleUserPoolArn+`"`) {
			t.Errorf("pair %d: GetIdentitySource answered HTTP %d %s, want 200 with the user pool %s", i, w.code, w.body.String(), scaleUserPoolArn)
		}
	}
	tok := "store-000000001"
	out, err := s.engine.createPolicyStore(createPolicyStoreInput{ClientToken: &tok, ValidationSettings: validationSettings{Mode: "OFF"}})
	if err != nil || out.PolicyStoreID != string(pairs[1].store[:]) {
		t.Errorf("replay of pair 1's CreatePolicyStore: %q, %v; want %q, no error", out.PolicyStoreID, err, pairs[1].store[:])
	}
}
