package specs

import (
	"fmt"
	"strings"
)

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
	// TokenIssuing means the scenarios can get tokens that the target's
	// identity sources accept: minted by the target (vpfake's built-in
	// issuer) or supplied by the user (Target.Tokens).
	TokenIssuing Capability = "token-issuer"
)

// capabilities lists every capability the catalogue knows, in a stable order.
func capabilities() []Capability {
	return []Capability{FaultInjection, DeniedCredentials, Reset, TokenIssuing}
}

// enable says, for each way of running the catalogue, how to give a target
// the capability c: "endpoint" (suites/endpoint, make conformance), "aws"
// (suites/aws) and "go" (a Go suite building its own Target).
func (c Capability) enable() map[string]string {
	switch c {
	case FaultInjection:
		return map[string]string{
			"endpoint": "serve POST and DELETE " + FaultPath + " and list \"fault-injection\" in GET " + healthPath + " (vpfake does)",
			"aws":      "not available: real AWS cannot inject faults",
			"go":       "add specs.FaultInjection to Target.Capabilities (fake.Server can)",
		}
	case DeniedCredentials:
		return map[string]string{
			"endpoint": "set " + DeniedAccessKeyIDEnv + " and " + DeniedSecretAccessKeyEnv + " to a key the server knows but denies (vpfake: -credentials-file)",
			"aws":      "set " + AWSDeniedProfileEnv + " to a profile without Verified Permissions permissions",
			"go":       "set Target.DeniedAWSConfig and add specs.DeniedCredentials to Target.Capabilities",
		}
	case Reset:
		return map[string]string{
			"endpoint": "serve POST /_vpfake/reset and list \"reset\" in GET " + healthPath + " (vpfake does)",
			"aws":      "not available: the aws suite deletes what it creates instead",
			"go":       "add specs.Reset to Target.Capabilities when the target's state can be wiped",
		}
	case TokenIssuing:
		return map[string]string{
			"endpoint": "serve POST " + tokensPath + " and list \"token-issuer\" in GET " + healthPath + " (vpfake does), or set " + TokensEnv + " to tokens of the fixtures' user pool",
			"aws":      "set " + AWSTokensEnv + " to ID and access tokens (comma-separated) of a user of the user pool, issued to the first client id; scenarios needing tokens you did not give (expired, other clients, groups) stay skipped",
			"go":       "add specs.TokenIssuing to Target.Capabilities, and set Target.Tokens unless the control endpoint serves POST " + tokensPath,
		}
	default:
		return map[string]string{
			"endpoint": fmt.Sprintf("list %q in GET %s", string(c), healthPath),
			"aws":      "not available",
			"go":       fmt.Sprintf("add %q to Target.Capabilities", string(c)),
		}
	}
}

// hint says how to enable the capability c, for every way of running the
// catalogue, the way of the target's kind first.
func (c Capability) hint(kind string) string {
	ways := c.enable()
	order := []string{"endpoint", "aws", "go"}
	if _, ok := ways[kind]; !ok {
		kind = "go"
	}
	parts := []string{kind + ": " + ways[kind]}
	for _, w := range order {
		if w != kind {
			parts = append(parts, w+": "+ways[w])
		}
	}
	return "to enable it, " + strings.Join(parts, "; ")
}

// has reports whether the target declares capability c.
func (t Target) has(c Capability) bool {
	for _, have := range t.Capabilities {
		if have == c {
			return true
		}
	}
	return false
}
