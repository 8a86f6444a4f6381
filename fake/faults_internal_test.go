package fake

import (
	"testing"
	"time"
)

// TestFaultSetArmed checks the count decide reads without the lock
// follows the faults and rate limits held: a call decides nothing only
// when none is held, and a fault or limit added is seen by the next call.
func TestFaultSetArmed(t *testing.T) {
	fs := newFaultSet(time.Now, defaultOptions().limits)
	check := func(when string, want int64) {
		t.Helper()
		if got := fs.armed.Load(); got != want {
			t.Errorf("%s: armed = %d, want %d", when, got, want)
		}
	}
	check("at first", 0)
	if d := fs.decide("GetIdentitySource"); d.fault != nil || d.limit != nil {
		t.Errorf("decide with nothing held = %+v, want nothing", d)
	}
	if _, err := fs.inject(Fault{Operation: "GetIdentitySource", Error: "ThrottlingException", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.inject(Fault{Operation: "UpdateIdentitySource", Error: "InternalServerException"}); err != nil {
		t.Fatal(err)
	}
	if err := fs.setRateLimit("GetPolicyStore", 1, 1); err != nil {
		t.Fatal(err)
	}
	check("after two faults and a limit", 3)
	if d := fs.decide("GetIdentitySource"); d.fault == nil || d.fault.Error != "ThrottlingException" {
		t.Errorf("decide(GetIdentitySource) = %+v, want the injected ThrottlingException", d)
	}
	check("after the counted fault was used up", 2)
	if d := fs.decide("GetIdentitySource"); d.fault != nil || d.limit != nil {
		t.Errorf("decide(GetIdentitySource) after its fault was used up = %+v, want nothing", d)
	}
	if d := fs.decide("GetPolicyStore"); d.limit != nil {
		t.Errorf("decide(GetPolicyStore) = %+v, want its first token taken", d)
	}
	if d := fs.decide("GetPolicyStore"); d.limit == nil {
		t.Errorf("decide(GetPolicyStore) again within the second = %+v, want its rate limit exceeded", d)
	}
	fs.clear()
	check("after clear", 0)
}
