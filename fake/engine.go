package fake

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unique"
)

// timestampLayout renders createdDate and lastUpdatedDate: RFC 3339 in UTC,
// with up to six fractional digits (AWS's own precision in the model's
// examples, such as "2023-05-19T20:30:28.173926Z").
const timestampLayout = "2006-01-02T15:04:05.999999Z07:00"

// idempotencyWindow is how long a clientToken is remembered.
const idempotencyWindow = 8 * time.Hour

// defaultPrincipalEntityType is used when a create or update omits
// principalEntityType.
const defaultPrincipalEntityType = "AWS::Cognito"

// defaultPrincipalIDClaim is the model's default for principalIdClaim.
const defaultPrincipalIDClaim = "sub"

const (
	defaultMaxResults = 10
	maxMaxResults     = 50
)

// engine is the fake's state and behaviour, with one typed method per
// operation. It knows nothing of HTTP or JSON bodies; it is separate and
// unexported so that Server's API stays small.
//
// No write walks every resource: the cost of a call does not grow with the
// number of policy stores, identity sources or clientTokens held.
type engine struct {
	mu      sync.Mutex
	now     func() time.Time
	account string
	ids     *idSource
	limits  limits

	// identitySourceQuota is how many identity sources one policy store may
	// hold: 1, as documented. Tests inside the package raise it to exercise
	// pagination.
	identitySourceQuota int

	policyStores map[string]*policyStore
	// issuer signs the tokens the fake mints and verifies the tokens
	// IsAuthorizedWithToken receives.
	issuer *tokenIssuer
	// sources holds the id of every identity source (a create replayed
	// finds its identity source through the policy store its input
	// names).
	sources idSet
	// policyStoreOf maps the id of every policy to its policy store's id.
	policyStoreOf map[string]string
	tokens        *tokenStore
	// configs shares the Cognito configurations of the identity sources.
	configs sharedConfigurations

	// liveBytes estimates the memory of policy stores, identity sources
	// and policies (storeBytes, sourceBytes, policyBytes); heldBytes adds
	// what the history keeps beside them. policyBytes is the part of
	// liveBytes that policies take: the history keeps none.
	liveBytes   int64
	policyBytes int64

	// hist keeps recent versions for reads under a propagation delay; nil
	// when reads see the latest state.
	hist *history

	// onChange are the WithStateChanged hooks, called after each change of
	// policy stores or identity sources, with mu unlocked.
	onChange []func()
}

// policyStore is a policy store. What it holds is kept small, for a
// fake that holds a million of them: dates as stamps, not time.Time, its
// ARN derived from the account and its id, not kept, its modes a byte
// each, its id's bytes in itself, its optional members apart.
//
// Its first identity source is held in the policy store itself (source0),
// and the array of its identity sources too while it has one (sourceBuf):
// a policy store with its one identity source, the quota, is then one
// object, which a read at random (GetIdentitySource among a million)
// finds with fewer cache misses, and the garbage collector marks at once.
// The members a read looks at first (the id, which the map of policy
// stores compares, and the identity sources) come first.
type policyStore struct {
	id                 string
	idBuf              resourceIDBytes // id's bytes (inlineID)
	validationMode     storeEnum
	deletionProtection storeEnum
	// identitySources in creation order.
	identitySources []*identitySource
	sourceBuf       [1]*identitySource
	// source0 is the first identity source the store ever had, when its
	// id is not empty; it is never reused once deleted, so that it is
	// never written again (answers being written point into its idBuf).
	source0          identitySource
	created, updated stamp
	// token is the key of the clientToken it was created with, zero when
	// none, for the token to be forgotten with it.
	token tokenKey
	// opts holds the members most policy stores do not have; nil when
	// it would hold none. It is never changed once the store is made.
	opts *storeOptions
	// policies by id, and the ids of the named ones by name (policy.go);
	// both nil until the store has a policy. The history's copies of a
	// store have neither.
	policies    map[string]*policy
	policyNames map[string]string
}

// storeOptions are the optional members of a policy store.
type storeOptions struct {
	description *string
	encryption  *encryptionState
	tags        map[string]string // never empty
}

// options returns ps's optional members, zero when it has none or ps is
// nil.
func (ps *policyStore) options() storeOptions {
	if ps == nil || ps.opts == nil {
		return storeOptions{}
	}
	return *ps.opts
}

// setOptions gives ps the optional members o, dropping empty tags.
func (ps *policyStore) setOptions(o storeOptions) {
	if len(o.tags) == 0 {
		o.tags = nil
	}
	if o.description == nil && o.encryption == nil && o.tags == nil {
		ps.opts = nil
		return
	}
	ps.opts = &o
}

// identitySource is an identity source. Its configuration is never
// changed in place, only replaced, so that a copy of an identity source
// (the history's, an authorization's) stays as it was; its Cognito
// configuration is shared with the identity sources of identical ones
// (sharedConfigurations).
type identitySource struct {
	id                  string
	idBuf               resourceIDBytes // id's bytes (inlineID)
	policyStoreID       string
	principalEntityType string
	configuration       configuration
	created, updated    stamp
	token               tokenKey // as policyStore's
}

// storeEnum is the value of a policy store's validationMode or
// deletionProtection, both enums of the model, in one byte: its index in
// storeEnumValues. The zero value is unset, "".
type storeEnum uint8

// The values of storeEnum.
const (
	enumUnset storeEnum = iota
	modeOff
	modeStrict
	protectionEnabled
	protectionDisabled
)

var storeEnumValues = [...]string{enumUnset: "", modeOff: "OFF", modeStrict: "STRICT", protectionEnabled: "ENABLED", protectionDisabled: "DISABLED"}

// String is the value as the API writes it.
func (v storeEnum) String() string {
	if int(v) < len(storeEnumValues) {
		return storeEnumValues[v]
	}
	return ""
}

// validationModeOf and deletionProtectionOf read the values of the
// model's ValidationMode and DeletionProtection; the schemas let no other
// through, so an error is the fake's own.
func validationModeOf(s string) (storeEnum, error) {
	switch s {
	case "OFF":
		return modeOff, nil
	case "STRICT":
		return modeStrict, nil
	}
	return enumUnset, fmt.Errorf("validation mode %q is none of the model's (OFF, STRICT)", s)
}

func deletionProtectionOf(s string) (storeEnum, error) {
	switch s {
	case "ENABLED":
		return protectionEnabled, nil
	case "DISABLED":
		return protectionDisabled, nil
	}
	return enumUnset, fmt.Errorf("deletion protection %q is none of the model's (ENABLED, DISABLED)", s)
}

// sharedConfigurations shares identical Cognito configurations among the
// identity sources that hold them: a test kit's identity sources mostly
// trust one user pool and its clients, and each then holds a pointer to
// one copy of its user pool ARN and client ids, not its own. An entry
// counts the live identity sources holding its configuration and is
// dropped when the last of them is deleted or updated to another; a copy
// that an earlier version of an identity source (the history) or an
// authorization holds stays valid, as configurations are never changed in
// place. The caller holds the engine's lock.
type sharedConfigurations map[cognitoKey]sharedCognito

// cognitoKey is what makes two Cognito configurations identical.
type cognitoKey struct {
	userPoolArn string
	clients     int
	// clientIDs is the one client id, or all of them, each preceded by
	// its length and a colon.
	clientIDs       string
	grouped         bool
	groupEntityType string
}

type sharedCognito struct {
	config *cognitoUserPoolConfiguration
	refs   int
}

func cognitoKeyOf(c *cognitoUserPoolConfiguration) cognitoKey {
	k := cognitoKey{userPoolArn: c.UserPoolArn, clients: len(c.ClientIDs)}
	switch len(c.ClientIDs) {
	case 0:
	case 1:
		k.clientIDs = c.ClientIDs[0]
	default:
		var b []byte
		for _, id := range c.ClientIDs {
			b = strconv.AppendInt(b, int64(len(id)), 10)
			b = append(b, ':')
			b = append(b, id...)
		}
		k.clientIDs = string(b)
	}
	if g := c.GroupConfiguration; g != nil {
		k.grouped, k.groupEntityType = true, g.GroupEntityType
	}
	return k
}

// share returns c, a configuration an identity source is to hold, with
// its Cognito configuration replaced by the shared copy of an identical
// one, and counts the identity source.
func (sc sharedConfigurations) share(c configuration) configuration {
	if c.Cognito == nil {
		return c
	}
	k := cognitoKeyOf(c.Cognito)
	if s, ok := sc[k]; ok {
		s.refs++
		sc[k] = s
		c.Cognito = s.config
		return c
	}
	if ids := c.Cognito.ClientIDs; cap(ids) > len(ids) {
		cp := *c.Cognito
		cp.ClientIDs = slices.Clone(ids) // right-sized
		c.Cognito = &cp
	}
	sc[k] = sharedCognito{config: c.Cognito, refs: 1}
	return c
}

// release uncounts an identity source that held c and no longer does.
func (sc sharedConfigurations) release(c configuration) {
	if c.Cognito == nil {
		return
	}
	k := cognitoKeyOf(c.Cognito)
	s, ok := sc[k]
	if !ok || s.config != c.Cognito {
		return
	}
	if s.refs--; s.refs == 0 {
		delete(sc, k)
		return
	}
	sc[k] = s
}

// addSource adds an identity source, v, to ps's, in source0 when ps has
// never had one, and returns it. Its id's bytes are then its own
// (inlineID).
func (ps *policyStore) addSource(v identitySource) *identitySource {
	is := &ps.source0
	if ps.source0.id != "" {
		is = new(identitySource)
	}
	*is = v
	is.id = inlineID(&is.idBuf, v.id)
	is.policyStoreID = ps.id
	if ps.identitySources == nil {
		ps.identitySources = ps.sourceBuf[:0]
	}
	ps.identitySources = append(ps.identitySources, is)
	return is
}

// stamp is an instant in microseconds since the Unix epoch, the precision
// of the API's dates (the clock is truncated to it and a State's dates are
// checked against it): 8 bytes, where a time.Time takes 24.
type stamp int64

func stampOf(t time.Time) stamp { return stamp(t.UnixMicro()) }

// time is the instant, in UTC.
func (s stamp) time() time.Time { return time.UnixMicro(int64(s)).UTC() }

// String renders the instant as the API's dates are rendered (timestamp).
func (s stamp) String() string { return timestamp(s.time()) }

func newEngine(o options, ids *idSource) *engine {
	e := &engine{now: o.now, account: o.account, ids: ids, limits: o.limits, identitySourceQuota: 1, onChange: o.stateChanged, issuer: newTokenIssuer()}
	if o.propagation > 0 {
		e.hist = newHistory(o.propagation)
	}
	e.clear()
	return e
}

// clear forgets every policy store, identity source, clientToken and
// recent version. The caller holds mu, or owns e alone.
func (e *engine) clear() {
	e.policyStores = map[string]*policyStore{}
	e.sources = idSet{}
	e.policyStoreOf = map[string]string{}
	e.tokens = newTokenStore()
	e.configs = sharedConfigurations{}
	e.liveBytes, e.policyBytes = 0, 0
	if e.hist != nil {
		e.hist.reset()
	}
}

// reset is clear as a change of state.
func (e *engine) reset() {
	_, _ = write(e, func() (struct{}, bool, error) {
		e.clear()
		return struct{}{}, true, nil
	})
}

// write runs f, a write, with mu held and the history pruned. f says
// whether it changed the state; if it did, the WithStateChanged hooks are
// called once mu is unlocked, so that a hook may read the state.
func write[O any](e *engine, f func() (out O, changed bool, err error)) (O, error) {
	var (
		out     O
		changed bool
		err     error
	)
	e.mu.Lock()
	defer func() {
		e.mu.Unlock()
		if changed {
			for _, hook := range e.onChange {
				hook()
			}
		}
	}()
	e.prune()
	out, changed, err = f()
	return out, err
}

// newID draws a resource id that no policy store, identity source or
// policy has:
// a state set by SetState may hold ids that a seeded sequence, restarted,
// draws again.
func (e *engine) newID() string {
	for {
		id := e.ids.resourceID()
		if !e.idInUse(id) {
			return id
		}
	}
}

func (e *engine) idInUse(id string) bool {
	if _, ok := e.policyStores[id]; ok {
		return true
	}
	if e.sources.has(id) {
		return true
	}
	_, ok := e.policyStoreOf[id]
	return ok
}

// heldBytes is the estimate WithMaxStateBytes bounds: the live policy
// stores, identity sources and policies, and under a propagation delay the
// earlier versions of stores and sources reads can still see (the history
// holds their live versions too, and no policies).
func (e *engine) heldBytes() int64 {
	if e.hist != nil {
		return e.hist.bytes + e.policyBytes
	}
	return e.liveBytes
}

// checkBytes answers a ServiceQuotaExceededException when a write that
// adds a version of adding bytes, replacing one of freed bytes, would take
// the state over its limit. Under a propagation delay the version replaced
// stays in the history until no read can see it, so nothing is freed yet;
// without one, a write that does not grow the state always passes.
func (e *engine) checkBytes(adding, freed int64, rt ResourceType, id string) error {
	held := e.heldBytes()
	total := held + adding
	if e.hist == nil {
		if adding <= freed {
			return nil
		}
		total -= freed
	}
	if total > e.limits.stateBytes {
		return stateBytesExceeded(held, adding, e.limits.stateBytes, rt, id)
	}
	return nil
}

// prune drops the recent versions no read can see any more.
func (e *engine) prune() {
	if e.hist != nil {
		e.hist.prune(e.clock())
	}
}

// recordStore records a change to a policy store (nil: its deletion) for
// reads under a propagation delay.
func (e *engine) recordStore(now time.Time, id string, ps *policyStore) {
	if e.hist != nil {
		e.hist.recordStore(now, id, ps)
	}
}

// recordSource records a change to an identity source (nil: its deletion)
// for reads under a propagation delay.
func (e *engine) recordSource(now time.Time, policyStoreID, id string, is *identitySource) {
	if e.hist != nil {
		e.hist.recordSource(now, policyStoreID, id, is)
	}
}

func (e *engine) clock() time.Time {
	return e.now().UTC().Truncate(time.Microsecond)
}

// after returns now, or just after prev when the clock has not moved past
// it, so that every write makes lastUpdatedDate strictly greater.
func after(prev, now time.Time) time.Time {
	if now.After(prev) {
		return now
	}
	return prev.Add(time.Microsecond)
}

func timestamp(t time.Time) string {
	var buf [len("2006-01-02T15:04:05.000000Z")]byte
	return string(appendTimestamp(buf[:0], t))
}

// appendTimestamp appends t as timestampLayout formats it (the UTC date
// and time, up to six fractional digits without trailing zeros, "Z"),
// without parsing the layout on every read; years outside 0 to 9999 go
// through time.Format. TestAppendTimestamp holds it to time.Format.
func appendTimestamp(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timestampLayout)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if micro := t.Nanosecond() / 1000; micro != 0 {
		digits := 6
		for micro%10 == 0 {
			micro /= 10
			digits--
		}
		b = append(b, '.')
		b = appendDigits(b, micro, digits)
	}
	return append(b, 'Z')
}

// appendDigits appends n, non-negative, as width decimal digits, zero
// padded.
func appendDigits(b []byte, n, width int) []byte {
	start := len(b)
	for range width {
		b = append(b, 0)
	}
	for i := len(b) - 1; i >= start; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// createOnce runs create, the work of a create operation, under the lock
// and with clientToken idempotency. *token is the request's clientToken:
// it is set to nil first, so that input (which holds it) is digested
// without it. Without a token, create just runs. With one, the same input
// sent again within the window answers the earlier output without calling
// create, other input a ConflictException naming the resource the first
// call created. Only the id create returns, of a resource of type rt, is
// remembered with the input's digest: replay rebuilds the earlier output
// from that resource. create is given the key of the token (zero without
// one), which the resource keeps for the token to be forgotten when it is
// deleted. create returns an error only before it changes anything.
func createOnce[O any](e *engine, op string, rt ResourceType, token **string, input any,
	create func(now time.Time, token tokenKey) (out O, id string, err error), replay func(id string) (O, bool)) (O, error) {
	var zero O
	tok := *token
	*token = nil
	return write(e, func() (O, bool, error) {
		now := e.clock()
		var (
			key    tokenKey
			digest inputDigest
		)
		if tok != nil {
			canon, err := json.Marshal(input)
			if err != nil {
				return zero, false, fmt.Errorf("canonicalise %s input: %w", op, err)
			}
			key, digest = newTokenKey(op, *tok), newInputDigest(canon)
			if call, ok := e.tokens.lookup(key, now); ok {
				if call.input != digest {
					return zero, false, &ConflictException{
						Message:   fmt.Sprintf("clientToken %s was already used with different input for %s", *tok, op),
						Resources: []ResourceConflict{{ResourceID: call.resourceID, ResourceType: rt}},
					}
				}
				prev, ok := replay(call.resourceID)
				if !ok {
					return zero, false, fmt.Errorf("clientToken %s of %s remembers %s %s, which is gone", *tok, op, rt, call.resourceID)
				}
				return prev, false, nil
			}
		}
		out, id, err := create(now, key)
		if err != nil {
			return zero, false, err
		}
		if tok != nil {
			e.tokens.remember(idempotentCall{key: key, input: digest, at: now.UnixMicro(), resourceID: id})
		}
		return out, true, nil
	})
}

func (e *engine) createPolicyStore(in createPolicyStoreInput) (createPolicyStoreOutput, error) {
	if err := checkEncryptionContext(in, e.limits.encryptionContextBytes); err != nil {
		return createPolicyStoreOutput{}, err
	}
	return createOnce(e, "CreatePolicyStore", ResourceTypePolicyStore, &in.ClientToken, &in,
		func(now time.Time, token tokenKey) (createPolicyStoreOutput, string, error) {
			return e.newPolicyStore(in, now, token)
		},
		func(id string) (createPolicyStoreOutput, bool) {
			ps, ok := e.policyStores[id]
			if !ok {
				return createPolicyStoreOutput{}, false
			}
			return e.storeCreateOutput(ps), true
		})
}

// newPolicyStore is CreatePolicyStore's work, under the lock.
func (e *engine) newPolicyStore(in createPolicyStoreInput, now time.Time, token tokenKey) (createPolicyStoreOutput, string, error) {
	if len(e.policyStores) >= e.limits.policyStores {
		return createPolicyStoreOutput{}, "", policyStoreQuotaExceeded(e.limits.policyStores, e.account)
	}
	ps := &policyStore{
		deletionProtection: protectionDisabled,
		created:            stampOf(now),
		updated:            stampOf(now),
		token:              token,
	}
	var err error
	if ps.validationMode, err = validationModeOf(in.ValidationSettings.Mode); err != nil {
		return createPolicyStoreOutput{}, "", err
	}
	if in.DeletionProtection != nil {
		if ps.deletionProtection, err = deletionProtectionOf(*in.DeletionProtection); err != nil {
			return createPolicyStoreOutput{}, "", err
		}
	}
	opts := storeOptions{description: in.Description, tags: in.Tags}
	if es := in.EncryptionSettings; es != nil {
		opts.encryption = &encryptionState{Default: es.Default}
		if es.KMS != nil {
			ctx := es.KMS.EncryptionContext
			if ctx == nil {
				ctx = map[string]string{}
			}
			opts.encryption = &encryptionState{KMS: &kmsEncryptionState{Key: es.KMS.Key, EncryptionContext: ctx}}
		}
	}
	ps.setOptions(opts)
	ps.id = inlineID(&ps.idBuf, e.newID())
	size := storeBytes(ps)
	if err := e.checkBytes(size, 0, ResourceTypePolicyStore, ""); err != nil {
		return createPolicyStoreOutput{}, "", err
	}
	e.policyStores[ps.id] = ps
	e.liveBytes += size
	e.recordStore(now, ps.id, ps)
	return e.storeCreateOutput(ps), ps.id, nil
}

// storeCreateOutput is CreatePolicyStore's output for ps, as it was
// created: both dates are its creation's. The ARN is derived, not kept.
func (e *engine) storeCreateOutput(ps *policyStore) createPolicyStoreOutput {
	created := ps.created.String()
	return createPolicyStoreOutput{PolicyStoreID: ps.id, Arn: policyStoreArn(e.account, ps.id), CreatedDate: created, LastUpdatedDate: created}
}

func (e *engine) getPolicyStore(in getPolicyStoreInput) (getPolicyStoreOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	ps, ok := e.readStore(in.PolicyStoreID, e.readTime())
	if !ok {
		return getPolicyStoreOutput{}, notFoundPolicyStore(in.PolicyStoreID)
	}
	opts := ps.options()
	out := getPolicyStoreOutput{
		PolicyStoreID:      ps.id,
		Arn:                policyStoreArn(e.account, ps.id),
		ValidationSettings: validationSettings{Mode: ps.validationMode.String()},
		CreatedDate:        ps.created.String(),
		LastUpdatedDate:    ps.updated.String(),
		Description:        opts.description,
		DeletionProtection: ps.deletionProtection.String(),
		CedarVersion:       "CEDAR_4",
		EncryptionState:    opts.encryption,
	}
	if in.Tags && len(opts.tags) > 0 {
		out.Tags = opts.tags
	}
	return out, nil
}

func (e *engine) deletePolicyStore(in deletePolicyStoreInput) (emptyOutput, error) {
	return write(e, func() (emptyOutput, bool, error) {
		ps, ok := e.policyStores[in.PolicyStoreID]
		if !ok {
			return emptyOutput{}, false, nil // documented: deleting a missing store succeeds
		}
		if ps.deletionProtection == protectionEnabled {
			return emptyOutput{}, false, &InvalidStateException{
				Message: fmt.Sprintf("policy store %s has deletion protection enabled; disable it before deleting the policy store", ps.id),
			}
		}
		delete(e.policyStores, ps.id) // its identity sources and policies go with it [I]
		e.liveBytes -= storeBytes(ps)
		e.tokens.forget(ps.token, ps.id)
		for _, is := range ps.identitySources {
			e.sources.remove(is.id)
			e.liveBytes -= sourceBytes(is)
			e.tokens.forget(is.token, is.id)
			e.configs.release(is.configuration)
		}
		for _, p := range ps.policies {
			e.removePolicy(ps, p)
			e.tokens.forget(p.token, p.id)
		}
		e.recordStore(e.clock(), ps.id, nil)
		return emptyOutput{}, true, nil
	})
}

// lookup finds an identity source for a write, or says which of the two ids
// is unknown. Under a propagation delay a write's existence check sees the
// delay too: a store or source created within it is not found yet (AWS can
// answer a CreateIdentitySource right after CreatePolicyStore with
// ResourceNotFoundException), while what the write changes is the latest
// state.
func (e *engine) lookup(policyStoreID, identitySourceID string) (*policyStore, *identitySource, error) {
	if e.hist != nil {
		if _, err := e.readLookup(policyStoreID, identitySourceID); err != nil {
			return nil, nil, err
		}
	}
	ps, ok := e.policyStores[policyStoreID]
	if !ok {
		return nil, nil, notFoundPolicyStore(policyStoreID)
	}
	for _, is := range ps.identitySources {
		if is.id == identitySourceID {
			return ps, is, nil
		}
	}
	return ps, nil, notFoundIdentitySource(policyStoreID, identitySourceID)
}

// writeStore finds a policy store for a write that adds to it: the latest
// state, once the store is visible (under a propagation delay, a store
// created within the delay is not found yet, as in lookup).
func (e *engine) writeStore(id string) (*policyStore, error) {
	if e.hist != nil {
		if _, ok := e.readStore(id, e.readTime()); !ok {
			return nil, notFoundPolicyStore(id)
		}
	}
	ps, ok := e.policyStores[id]
	if !ok {
		return nil, notFoundPolicyStore(id)
	}
	return ps, nil
}

// normalise fills in the defaults the model and docs give a configuration:
// principalIdClaim "sub" for OIDC token selections. Other omitted optional
// members stay omitted.
func normalise(c configuration) configuration {
	if o := c.OIDC; o != nil {
		cp := *o
		sub := defaultPrincipalIDClaim
		if a := cp.TokenSelection.AccessTokenOnly; a != nil && a.PrincipalIDClaim == nil {
			ac := *a
			ac.PrincipalIDClaim = &sub
			cp.TokenSelection.AccessTokenOnly = &ac
		}
		if i := cp.TokenSelection.IdentityTokenOnly; i != nil && i.PrincipalIDClaim == nil {
			ic := *i
			ic.PrincipalIDClaim = &sub
			cp.TokenSelection.IdentityTokenOnly = &ic
		}
		c.OIDC = &cp
	}
	return c
}

// principalEntityTypeOrDefault is the principal entity type an input
// gives, or the default, as entityType keeps it.
func principalEntityTypeOrDefault(p *string) string {
	if p == nil {
		return defaultPrincipalEntityType
	}
	return entityType(*p)
}

// entityType returns the one copy of s every identity source naming that
// principal entity type shares (package unique): the types are few and
// repeated, and a million identity sources then hold no million strings
// for the memory and the garbage collector to go through.
func entityType(s string) string { return unique.Make(s).Value() }

func (e *engine) createIdentitySource(in createIdentitySourceInput) (writeIdentitySourceOutput, error) {
	return createOnce(e, "CreateIdentitySource", ResourceTypeIdentitySource, &in.ClientToken, &in,
		func(now time.Time, token tokenKey) (writeIdentitySourceOutput, string, error) {
			return e.newIdentitySource(in, now, token)
		},
		func(id string) (writeIdentitySourceOutput, bool) {
			// The input is the first call's, as its digest is: the
			// identity source is in the policy store it names.
			ps, ok := e.policyStores[in.PolicyStoreID]
			if !ok {
				return writeIdentitySourceOutput{}, false
			}
			for _, is := range ps.identitySources {
				if is.id == id {
					// As it was created, even if updated since: both
					// dates are its creation's.
					out := is.writeOutput()
					out.LastUpdatedDate = out.CreatedDate
					return out, true
				}
			}
			return writeIdentitySourceOutput{}, false
		})
}

// newIdentitySource is CreateIdentitySource's work, under the lock.
func (e *engine) newIdentitySource(in createIdentitySourceInput, now time.Time, token tokenKey) (writeIdentitySourceOutput, string, error) {
	ps, err := e.writeStore(in.PolicyStoreID)
	if err != nil {
		return writeIdentitySourceOutput{}, "", err
	}
	if len(ps.identitySources) >= e.identitySourceQuota {
		return writeIdentitySourceOutput{}, "", &ServiceQuotaExceededException{
			Message:      fmt.Sprintf("policy store %s already has %d identity source(s), the most it may have", ps.id, len(ps.identitySources)),
			ResourceType: ResourceTypeIdentitySource,
		}
	}
	v := identitySource{
		id:                  e.newID(),
		policyStoreID:       ps.id,
		principalEntityType: principalEntityTypeOrDefault(in.PrincipalEntityType),
		configuration:       normalise(in.Configuration),
		created:             stampOf(now),
		updated:             stampOf(now),
		token:               token,
	}
	size := sourceBytes(&v)
	if err := e.checkBytes(size, 0, ResourceTypeIdentitySource, ""); err != nil {
		return writeIdentitySourceOutput{}, "", err
	}
	v.configuration = e.configs.share(v.configuration)
	is := ps.addSource(v)
	e.sources.add(is.id)
	e.liveBytes += size
	e.recordSource(now, ps.id, is.id, is)
	return is.writeOutput(), is.id, nil
}

// writeOutput is the output of CreateIdentitySource and
// UpdateIdentitySource for the identity source.
func (is *identitySource) writeOutput() writeIdentitySourceOutput {
	return writeIdentitySourceOutput{
		CreatedDate:      is.created.String(),
		IdentitySourceID: is.id,
		LastUpdatedDate:  is.updated.String(),
		PolicyStoreID:    is.policyStoreID,
	}
}

// getIdentitySourceJSON answers GetIdentitySource already encoded, written
// from the identity source into a pooled buffer (appendOutputJSON): the
// read the tests of a client make most builds no answer value, no date or
// issuer string, on the way. Only the copy of the identity source is made
// under the lock, and the encoding after it, so that the lock is held for
// a lookup and a copy: every request takes it, and a holder the system
// deschedules stalls them all. The copy shares what is never written again
// (its id's bytes, its strings, its configuration, which an update
// replaces rather than changes).
func (e *engine) getIdentitySourceJSON(in identitySourceRef) (*encodedOutput, error) {
	var snap identitySource
	e.mu.Lock()
	e.prune()
	is, err := e.readLookup(in.PolicyStoreID, in.IdentitySourceID)
	if err == nil {
		snap = *is
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := encodedOutputs.Get().(*encodedOutput)
	out.b = snap.appendOutputJSON(out.b[:0])
	return out, nil
}

func (e *engine) updateIdentitySource(in updateIdentitySourceInput) (writeIdentitySourceOutput, error) {
	return write(e, func() (writeIdentitySourceOutput, bool, error) {
		_, is, err := e.lookup(in.PolicyStoreID, in.IdentitySourceID)
		if err != nil {
			return writeIdentitySourceOutput{}, false, err
		}
		next := *is
		next.configuration = normalise(in.UpdateConfiguration) // replace, never merge
		next.principalEntityType = principalEntityTypeOrDefault(in.PrincipalEntityType)
		oldSize, newSize := sourceBytes(is), sourceBytes(&next)
		if err := e.checkBytes(newSize, oldSize, ResourceTypeIdentitySource, is.id); err != nil {
			return writeIdentitySourceOutput{}, false, err
		}
		now := e.clock()
		next.updated = stampOf(after(is.updated.time(), now))
		next.configuration = e.configs.share(next.configuration)
		e.configs.release(is.configuration)
		// Member by member: is.idBuf, which strings in answers being
		// written point into, is never written again.
		is.configuration, is.principalEntityType, is.updated = next.configuration, next.principalEntityType, next.updated
		e.liveBytes += newSize - oldSize
		e.recordSource(now, is.policyStoreID, is.id, is)
		return is.writeOutput(), true, nil
	})
}

func (e *engine) deleteIdentitySource(in identitySourceRef) (emptyOutput, error) {
	return write(e, func() (emptyOutput, bool, error) {
		ps, is, err := e.lookup(in.PolicyStoreID, in.IdentitySourceID)
		if err != nil {
			return emptyOutput{}, false, err
		}
		ps.identitySources = slices.DeleteFunc(ps.identitySources, func(x *identitySource) bool { return x == is })
		e.sources.remove(is.id)
		e.liveBytes -= sourceBytes(is)
		e.tokens.forget(is.token, is.id)
		e.configs.release(is.configuration)
		e.recordSource(e.clock(), ps.id, is.id, nil)
		return emptyOutput{}, true, nil
	})
}

func (e *engine) listIdentitySources(in listIdentitySourcesInput) (listIdentitySourcesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	t := e.readTime()
	ps, ok := e.readStore(in.PolicyStoreID, t)
	if !ok {
		return listIdentitySourcesOutput{}, notFoundPolicyStore(in.PolicyStoreID)
	}
	limit := defaultMaxResults
	if in.MaxResults != nil {
		limit = int(min(*in.MaxResults, maxMaxResults))
	}
	var matching []*identitySource
	for _, is := range e.readSources(ps, t) {
		if matchesAny(is, in.Filters) {
			matching = append(matching, is)
		}
	}
	slices.SortStableFunc(matching, func(a, b *identitySource) int {
		if c := cmp.Compare(a.created, b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	start := 0
	if in.NextToken != nil {
		after, err := decodeNextToken(*in.NextToken, sourcesTokenVersion, ps.id, "ListIdentitySources")
		if err != nil {
			return listIdentitySourcesOutput{}, err
		}
		// Resume after the last item returned, by creation time, so that a
		// deletion between pages neither repeats nor skips an item.
		start = len(matching)
		for i, is := range matching {
			if c := is.created.time().Compare(after.created); c > 0 || (c == 0 && is.id > after.id) {
				start = i
				break
			}
		}
	}
	out := listIdentitySourcesOutput{IdentitySources: []identitySourceOutput{}}
	end := min(start+limit, len(matching))
	for _, is := range matching[start:end] {
		out.IdentitySources = append(out.IdentitySources, *is.output())
	}
	if end < len(matching) {
		last := matching[end-1]
		tok := encodeNextToken(sourcesTokenVersion, ps.id, last.created.time(), last.id)
		out.NextToken = &tok
	}
	return out, nil
}

// matchesAny reports whether the identity source passes the filters: no
// filters, or at least one whose every set member matches.
func matchesAny(is *identitySource, filters []identitySourceFilter) bool {
	if len(filters) == 0 {
		return true
	}
	for _, f := range filters {
		if f.PrincipalEntityType == nil || *f.PrincipalEntityType == is.principalEntityType {
			return true
		}
	}
	return false
}

// A nextToken is opaque to clients: base64 of "<version>|<policyStoreId>|
// <created unix nanos>|<id>", the position of the last item returned. The
// version says which list it pages: v1 for ListIdentitySources, p1 for
// ListPolicies, so that neither accepts the other's tokens.
type pagePosition struct {
	created time.Time
	id      string
}

// The versions of nextToken.
const (
	sourcesTokenVersion  = "v1"
	policiesTokenVersion = "p1"
)

func encodeNextToken(version, policyStoreID string, created time.Time, id string) string {
	raw := fmt.Sprintf("%s|%s|%d|%s", version, policyStoreID, created.UnixNano(), id)
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// decodeNextToken reads a nextToken of version for op on a policy store.
func decodeNextToken(tok, version, policyStoreID, op string) (pagePosition, error) {
	constraint := "Member must be a nextToken returned by an earlier " + op + " call on the same policy store"
	bad := &ValidationException{
		Message:   "1 validation error detected: Value at 'nextToken' failed to satisfy constraint: " + constraint,
		FieldList: []ValidationExceptionField{{Path: "nextToken", Message: constraint}},
	}
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		return pagePosition{}, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != version || parts[1] != policyStoreID {
		return pagePosition{}, bad
	}
	var nanos int64
	if _, err := fmt.Sscan(parts[2], &nanos); err != nil {
		return pagePosition{}, bad
	}
	return pagePosition{created: time.Unix(0, nanos).UTC(), id: parts[3]}, nil
}

// output renders the identity source as GetIdentitySource returns it.
// identitySourceAnswer holds an identity source's output and the parts its
// pointers name, so that building an answer is one allocation.
type identitySourceAnswer struct {
	out     identitySourceOutput
	conf    configurationDetail
	cognito cognitoUserPoolConfigurationDetail
	details identitySourceDetails
}

func (is *identitySource) output() *identitySourceOutput {
	a := &identitySourceAnswer{}
	a.conf.OIDC = is.configuration.OIDC
	a.out = identitySourceOutput{
		CreatedDate:         is.created.String(),
		IdentitySourceID:    is.id,
		LastUpdatedDate:     is.updated.String(),
		PolicyStoreID:       is.policyStoreID,
		PrincipalEntityType: is.principalEntityType,
		Configuration:       &a.conf,
	}
	out := &a.out
	if c := is.configuration.Cognito; c != nil {
		clientIDs := slices.Clone(c.ClientIDs)
		if clientIDs == nil {
			clientIDs = []string{}
		}
		issuer := cognitoIssuer(c.UserPoolArn)
		a.cognito = cognitoUserPoolConfigurationDetail{
			UserPoolArn:        c.UserPoolArn,
			ClientIDs:          clientIDs,
			Issuer:             issuer,
			GroupConfiguration: c.GroupConfiguration,
		}
		out.Configuration.Cognito = &a.cognito
		a.details = identitySourceDetails{
			ClientIDs:    clientIDs,
			UserPoolArn:  c.UserPoolArn,
			DiscoveryURL: issuer,
			OpenIDIssuer: "COGNITO",
		}
		out.Details = &a.details
	}
	return out
}

// cognitoIssuer derives a user pool's issuer from its ARN,
// arn:<partition>:cognito-idp:<region>:<account>:userpool/<userPoolId>, as
// https://cognito-idp.<region>.amazonaws.com/<userPoolId>, or "" when the
// ARN is not of that form. The ARN has already matched the model's
// pattern.
func cognitoIssuer(userPoolArn string) string {
	region, poolID, ok := cognitoPool(userPoolArn)
	if !ok {
		return ""
	}
	return "https://cognito-idp." + region + ".amazonaws.com/" + poolID
}

// appendCognitoIssuer appends cognitoIssuer(userPoolArn), without making
// the string.
func appendCognitoIssuer(b []byte, userPoolArn string) []byte {
	region, poolID, ok := cognitoPool(userPoolArn)
	if !ok {
		return b
	}
	b = append(b, "https://cognito-idp."...)
	b = append(b, region...)
	b = append(b, ".amazonaws.com/"...)
	return append(b, poolID...)
}

// cognitoPool cuts a user pool's region and id from its ARN, without
// allocating: the issuer is derived on every read of the source.
func cognitoPool(userPoolArn string) (region, poolID string, ok bool) {
	// arn:partition:service:region:account:userpool/id
	rest := userPoolArn
	var fields [5]string
	for i := range fields {
		if fields[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return "", "", false
		}
	}
	return fields[3], strings.TrimPrefix(rest, "userpool/"), true
}
