package specs

import (
	"strings"
	"testing"
)

func TestMissingCapabilitySaysHowToEnable(t *testing.T) {
	sc := Scenario{ID: "GetIdentitySource/Fault/Throttled", Needs: []Capability{Reset, FaultInjection}}
	tgt := Target{Name: "t", Capabilities: []Capability{Reset}}
	c, ok := sc.missing(tgt)
	if !ok || c != FaultInjection {
		t.Fatalf("missing = %q, %v; want %q, true", c, ok, FaultInjection)
	}
	// Every way of running says how, the target's own way first.
	for kind, want := range map[string][]string{
		"endpoint": {"endpoint: serve POST and DELETE /_vpfake/faults", "aws: ", "go: add specs.FaultInjection to Target.Capabilities"},
		"aws":      {"aws: not available", "endpoint: ", "go: "},
		"fake":     {"go: add specs.FaultInjection", "endpoint: ", "aws: "},
	} {
		h := c.hint(kind)
		last := -1
		for _, w := range want {
			i := strings.Index(h, w)
			if i < 0 || i < last {
				t.Errorf("hint for a %s target: %q, want %q in this order: %q", kind, h, w, want)
			}
			last = i
		}
	}
	for _, c := range capabilities() {
		h := c.hint("endpoint")
		if !strings.Contains(h, "endpoint: ") || !strings.Contains(h, "go: ") || !strings.Contains(h, "Target.") {
			t.Errorf("hint for %s: %q does not say how to enable it for an endpoint and in Go", c, h)
		}
	}
	if h := DeniedCredentials.hint("endpoint"); !strings.Contains(h, DeniedAccessKeyIDEnv) || !strings.Contains(h, AWSDeniedProfileEnv) {
		t.Errorf("hint for %s: %q does not name the variables", DeniedCredentials, h)
	}
	if _, ok := sc.missing(Target{Capabilities: capabilities()}); ok {
		t.Error("a target with every capability misses one")
	}
	if got := sc.Labels(); strings.Join(got, ",") != "op:,kind:,evidence:,needs:reset,needs:fault-injection" {
		t.Errorf("Labels() = %v", got)
	}
}
