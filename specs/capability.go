package specs

import "fmt"

// Capability is something a target can do beyond serving the API, which some
// scenarios need. A scenario that needs a capability the Target lacks is
// skipped with a message saying how to enable it.
type Capability string

const (
	// FaultInjection means faults (throttling, internal errors, latency) can
	// be injected into the target per operation.
	FaultInjection Capability = "fault-injection"
	// DeniedCredentials means the target can be given credentials it denies
	// with AccessDeniedException.
	DeniedCredentials Capability = "denied-credentials"
	// Reset means the target's whole state can be wiped between specs.
	Reset Capability = "reset"
)

// Capabilities lists every capability the catalogue knows, in a stable order.
func Capabilities() []Capability {
	return []Capability{FaultInjection, DeniedCredentials, Reset}
}

// hint says how a suite enables the capability c.
func (c Capability) hint() string {
	switch c {
	case FaultInjection:
		return "add specs.FaultInjection to Target.Capabilities when the target can inject faults (the bundled fake can)"
	case DeniedCredentials:
		return "add specs.DeniedCredentials to Target.Capabilities when the target can be given credentials it denies"
	case Reset:
		return "add specs.Reset to Target.Capabilities when the target's state can be wiped (the fake: POST /_vpfake/reset)"
	default:
		return fmt.Sprintf("add %q to Target.Capabilities if the target supports it", string(c))
	}
}

// Has reports whether the target declares capability c.
func (t Target) Has(c Capability) bool {
	for _, have := range t.Capabilities {
		if have == c {
			return true
		}
	}
	return false
}
