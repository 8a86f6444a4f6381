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
	if !strings.Contains(c.hint(), "Target.Capabilities") {
		t.Errorf("hint %q does not say how to enable the capability", c.hint())
	}
	if _, ok := sc.missing(Target{Capabilities: Capabilities()}); ok {
		t.Error("a target with every capability misses one")
	}
	if got := sc.Labels(); strings.Join(got, ",") != "op:,kind:,evidence:,needs:reset,needs:fault-injection" {
		t.Errorf("Labels() = %v", got)
	}
}
