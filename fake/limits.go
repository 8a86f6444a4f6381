package fake

import (
	"fmt"
	"net/http"
	"time"
)

// serviceCode is the serviceCode of the quota errors the fake sends:
// ThrottlingException of a rate limit, ServiceQuotaExceededException of a
// quota.
const serviceCode = "verifiedpermissions"

// policyStoreQuotaCode is AWS's quota code for policy stores per Region per
// account (Verified Permissions user guide, quotas).
const policyStoreQuotaCode = "L-919F2C9C"

// stateBytesQuotaCode names the fake's own bound on the memory of its state
// (WithMaxStateBytes); AWS has no such quota.
const stateBytesQuotaCode = "L-VPFAKE-STATE-BYTES"

// encryptionContextPath is the member path of a CreatePolicyStore's
// encryptionContext.
const encryptionContextPath = "encryptionSettings.kmsEncryptionSettings.encryptionContext"

// Fixed bounds of a fault's members besides its message (see Fault).
const (
	maxFaultCodeBytes      = 256 // ServiceCode, QuotaCode
	maxFaultResources      = 10
	maxFaultResourceIDSize = 200 // the model's ids are at most 200 characters
)

// Limits are the bounds a Server enforces, as GET /_vpfake/health lists
// them under "limits". The options that set them say what each does and
// what a call beyond it is answered.
type Limits struct {
	// PolicyStores: WithMaxPolicyStores.
	PolicyStores int `json:"policyStores"`
	// IdentitySourcesPerPolicyStore is AWS's quota, 1, not adjustable.
	IdentitySourcesPerPolicyStore int `json:"identitySourcesPerPolicyStore"`
	// EncryptionContextBytes: WithMaxEncryptionContextBytes.
	EncryptionContextBytes int `json:"encryptionContextBytes"`
	// StateBytes: WithMaxStateBytes.
	StateBytes int64 `json:"stateBytes"`
	// Faults: WithMaxFaults.
	Faults int `json:"faults"`
	// FaultMessageBytes: WithMaxFaultMessageBytes.
	FaultMessageBytes int `json:"faultMessageBytes"`
	// ClientTokenWindowSeconds is how long a clientToken is remembered:
	// 8 hours, as documented. A token is remembered by 128-bit SHA-256
	// digests of itself and of the input, not by either, with the id of
	// the resource it created, and forgotten once the window has passed
	// or the resource the call created is deleted (a create replayed
	// afterwards is a new call), so tokens never outnumber the resources.
	ClientTokenWindowSeconds int64 `json:"clientTokenWindowSeconds"`
	// RequestBodyBytes bounds an API request's body (larger:
	// SerializationException).
	RequestBodyBytes int `json:"requestBodyBytes"`
	// ReadHeaderTimeoutMs: WithReadHeaderTimeout, in milliseconds.
	ReadHeaderTimeoutMs int64 `json:"readHeaderTimeoutMs"`
	// ReadTimeoutMs: WithReadTimeout, in milliseconds.
	ReadTimeoutMs int64 `json:"readTimeoutMs"`
	// IdleTimeoutMs: WithIdleTimeout, in milliseconds.
	IdleTimeoutMs int64 `json:"idleTimeoutMs"`
	// MaxHeaderBytes: WithMaxHeaderBytes.
	MaxHeaderBytes int `json:"maxHeaderBytes"`
}

// Limits returns the bounds the server enforces.
func (s *Server) Limits() Limits {
	o := s.opts
	return Limits{
		PolicyStores:                  o.limits.policyStores,
		IdentitySourcesPerPolicyStore: 1,
		EncryptionContextBytes:        o.limits.encryptionContextBytes,
		StateBytes:                    o.limits.stateBytes,
		Faults:                        o.limits.faults,
		FaultMessageBytes:             o.limits.faultMessageBytes,
		ClientTokenWindowSeconds:      int64(idempotencyWindow / time.Second),
		RequestBodyBytes:              maxBodyBytes,
		ReadHeaderTimeoutMs:           o.http.readHeaderTimeout.Milliseconds(),
		ReadTimeoutMs:                 o.http.readTimeout.Milliseconds(),
		IdleTimeoutMs:                 o.http.idleTimeout.Milliseconds(),
		MaxHeaderBytes:                o.http.maxHeaderBytes,
	}
}

// NewHTTPServer returns an http.Server that serves handler with the
// server's HTTP limits (WithReadHeaderTimeout, WithReadTimeout,
// WithIdleTimeout, WithMaxHeaderBytes), for serving Handler, or a handler
// wrapping it, on a listener of one's own, as cmd/vpfake does. The
// server's own listener has the same limits.
func (s *Server) NewHTTPServer(handler http.Handler) *http.Server {
	hs := &http.Server{Handler: handler}
	s.opts.http.apply(hs)
	return hs
}

func (l httpLimits) apply(hs *http.Server) {
	hs.ReadHeaderTimeout = l.readHeaderTimeout
	hs.ReadTimeout = l.readTimeout
	hs.IdleTimeout = l.idleTimeout
	hs.MaxHeaderBytes = l.maxHeaderBytes
}

// Usage is how much of its limits a server uses, as GET /_vpfake/health
// lists it under "usage".
type Usage struct {
	// PolicyStores and IdentitySources are the resources that exist.
	PolicyStores int `json:"policyStores"`
	// IdentitySources: see PolicyStores.
	IdentitySources int `json:"identitySources"`
	// StateBytes is the estimate WithMaxStateBytes bounds.
	StateBytes int64 `json:"stateBytes"`
	// ClientTokens is how many clientTokens are remembered.
	ClientTokens int `json:"clientTokens"`
	// Faults is how many faults are held.
	Faults int `json:"faults"`
}

// Usage returns how much of its limits the server uses now.
func (s *Server) Usage() Usage {
	u := s.engine.usage()
	u.Faults = s.faults.len()
	return u
}

func (e *engine) usage() Usage {
	e.mu.Lock()
	defer e.mu.Unlock()
	return Usage{
		PolicyStores:    len(e.policyStores),
		IdentitySources: e.sources.len(),
		StateBytes:      e.heldBytes(),
		ClientTokens:    e.tokens.len(),
	}
}

// Estimated overheads, in bytes, of what a policy store, identity source
// or policy holds beside its strings: structs, headers, map entries.
const (
	storeOverhead  = 512
	sourceOverhead = 384
	policyOverhead = 640
	stringOverhead = 16
	entryOverhead  = 48
)

// parsedBytesPerByte bounds the memory of a parsed Cedar policy (cedar-go's
// AST and compiled evaluator) per byte of its statement outside string
// literals, comments and white space: measured at up to 32 with cedar-go
// v1.9.1, for chains such as principal.a.a.a or 1+1+1 whose every two bytes
// make a node, and taken as 36 for a margin (TestPolicyBytesEstimateBoundsHeap
// checks it). Within string literals a byte costs about 2.
const (
	parsedBytesPerByte        = 36
	parsedBytesPerLiteralByte = 2
)

// storeBytes estimates the memory a policy store holds, its identity
// sources apart.
func storeBytes(ps *policyStore) int64 {
	n := storeOverhead + len(ps.id) + len(ps.validationMode.String()) + len(ps.deletionProtection.String())
	opts := ps.options()
	if opts.description != nil {
		n += stringOverhead + len(*opts.description)
	}
	if opts.encryption != nil && opts.encryption.KMS != nil {
		n += stringOverhead + len(opts.encryption.KMS.Key)
		n += mapBytes(opts.encryption.KMS.EncryptionContext)
	}
	n += mapBytes(opts.tags)
	return int64(n)
}

func mapBytes(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += entryOverhead + len(k) + len(v)
	}
	return n
}

func stringsBytes(ss []string) int {
	n := 0
	for _, s := range ss {
		n += stringOverhead + len(s)
	}
	return n
}

func optBytes(s *string) int {
	if s == nil {
		return 0
	}
	return stringOverhead + len(*s)
}

// sourceBytes estimates the memory an identity source holds.
func sourceBytes(is *identitySource) int64 {
	n := sourceOverhead + len(is.id) + len(is.policyStoreID) + len(is.principalEntityType)
	if c := is.configuration.Cognito; c != nil {
		n += stringOverhead + len(c.UserPoolArn) + stringsBytes(c.ClientIDs)
		if g := c.GroupConfiguration; g != nil {
			n += stringOverhead + len(g.GroupEntityType)
		}
	}
	if o := is.configuration.OIDC; o != nil {
		n += stringOverhead + len(o.Issuer) + optBytes(o.EntityIDPrefix)
		if g := o.GroupConfiguration; g != nil {
			n += 2*stringOverhead + len(g.GroupClaim) + len(g.GroupEntityType)
		}
		if a := o.TokenSelection.AccessTokenOnly; a != nil {
			n += optBytes(a.PrincipalIDClaim) + stringsBytes(a.Audiences)
		}
		if i := o.TokenSelection.IdentityTokenOnly; i != nil {
			n += optBytes(i.PrincipalIDClaim) + stringsBytes(i.ClientIDs)
		}
	}
	return int64(n)
}

// policyBytes estimates the memory a policy holds: its strings, its
// parsed form, its scope and its entries in the store's and engine's maps.
func policyBytes(p *policy) int64 {
	n := policyOverhead + 2*entryOverhead + len(p.id) + len(p.statement) + parsedBytes(p.statement) + optBytes(p.description)
	if p.name != "" {
		n += entryOverhead + len(p.name)
	}
	m := p.scope.members
	for _, e := range []*entityIdentifier{m.Principal, m.Resource} {
		if e != nil {
			n += 2*stringOverhead + len(e.EntityType) + len(e.EntityID)
		}
	}
	for _, a := range m.Actions {
		n += 2*stringOverhead + len(a.ActionType) + len(a.ActionID)
	}
	return int64(n)
}

// parsedBytes estimates the memory of the parsed form of a Cedar statement
// (see parsedBytesPerByte): a lexical scan, with no parsing.
func parsedBytes(src string) int {
	n := 0
	inString, escaped, inComment := false, false, false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inComment:
			inComment = c != '\n'
			n++
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			n += parsedBytesPerLiteralByte
		case c == '"':
			inString = true
			n += parsedBytesPerByte
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			inComment = true
			n++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			n++
		default:
			n += parsedBytesPerByte
		}
	}
	return n
}

// encryptionContextBytes is the size WithMaxEncryptionContextBytes bounds:
// every key and value, in bytes.
func encryptionContextBytes(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += len(k) + len(v)
	}
	return n
}

// checkEncryptionContext answers a ValidationException for an
// encryptionContext over the limit.
func checkEncryptionContext(in createPolicyStoreInput, limit int) error {
	es := in.EncryptionSettings
	if es == nil || es.KMS == nil {
		return nil
	}
	if n := encryptionContextBytes(es.KMS.EncryptionContext); n > limit {
		constraint := fmt.Sprintf("Member must have keys and values of at most %d bytes in total (it has %d)", limit, n)
		return &ValidationException{
			Message:   fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: %s", encryptionContextPath, constraint),
			FieldList: []ValidationExceptionField{{Path: encryptionContextPath, Message: constraint}},
		}
	}
	return nil
}

// policyStoreQuotaExceeded is the answer to a CreatePolicyStore beyond
// WithMaxPolicyStores.
func policyStoreQuotaExceeded(limit int, account string) error {
	return &ServiceQuotaExceededException{
		Message: fmt.Sprintf("You have reached the quota of %d policy stores per Region for account %s (quota code %s); "+
			"delete policy stores or request a quota increase (vpconform fake: WithMaxPolicyStores, vpfake -max-policy-stores)",
			limit, account, policyStoreQuotaCode),
		ResourceType: ResourceTypePolicyStore,
		ServiceCode:  serviceCode,
		QuotaCode:    policyStoreQuotaCode,
	}
}

// stateBytesExceeded is the answer to a write that would take the state
// over WithMaxStateBytes.
func stateBytesExceeded(held, adding, limit int64, rt ResourceType, id string) error {
	return &ServiceQuotaExceededException{
		Message: fmt.Sprintf("the vpconform fake holds about %d bytes of policy stores, identity sources and policies (with the recent versions a propagation delay keeps), "+
			"and this call would add about %d, over its limit of %d bytes (quota code %s, the fake's own: WithMaxStateBytes, vpfake -max-state-bytes); "+
			"delete resources, or raise the limit", held, adding, limit, stateBytesQuotaCode),
		ResourceID:   id,
		ResourceType: rt,
		ServiceCode:  serviceCode,
		QuotaCode:    stateBytesQuotaCode,
	}
}
