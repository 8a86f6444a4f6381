package fake

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
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
	// sourceStore maps the id of every identity source to its policy
	// store's id.
	sourceStore map[string]string
	// policyStoreOf maps the id of every policy to its policy store's id.
	policyStoreOf map[string]string
	tokens        *tokenStore

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

type policyStore struct {
	id                 string
	validationMode     string
	description        *string
	deletionProtection string
	encryption         *encryptionState
	tags               map[string]string
	created, updated   time.Time
	// identitySources in creation order.
	identitySources []*identitySource
	// policies by id, and the ids of the named ones by name (policy.go);
	// both nil until the store has a policy. The history's copies of a
	// store have neither.
	policies    map[string]*policy
	policyNames map[string]string
}

type identitySource struct {
	id                  string
	policyStoreID       string
	principalEntityType string
	configuration       configuration
	created, updated    time.Time
}

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
	e.sourceStore = map[string]string{}
	e.policyStoreOf = map[string]string{}
	e.tokens = newTokenStore()
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
	if _, ok := e.sourceStore[id]; ok {
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
	return t.UTC().Format(timestampLayout)
}

// createOnce runs create, the work of a create operation, under the lock
// and with clientToken idempotency. *token is the request's clientToken:
// it is set to nil first, so that input (which holds it) is digested
// without it. Without a token, create just runs. With one, the same input
// sent again within the window answers the earlier output without calling
// create, other input a ConflictException naming the resource the first
// call created. Only the id create returns, of a resource of type rt, is
// remembered with the input's digest: replay rebuilds the earlier output
// from that resource (a token is forgotten when its resource is deleted).
// create returns an error only before it changes anything.
func createOnce[O any](e *engine, op string, rt ResourceType, token **string, input any,
	create func(now time.Time) (out O, id string, err error), replay func(id string) (O, bool)) (O, error) {
	var zero O
	tok := *token
	*token = nil
	return write(e, func() (O, bool, error) {
		now := e.clock()
		var digest [sha256.Size]byte
		if tok != nil {
			canon, err := json.Marshal(input)
			if err != nil {
				return zero, false, fmt.Errorf("canonicalise %s input: %w", op, err)
			}
			digest = sha256.Sum256(canon)
			if call := e.tokens.lookup(tokenKey{op, *tok}, now); call != nil {
				if call.input != digest {
					return zero, false, &ConflictException{
						Message:   fmt.Sprintf("clientToken %s was already used with different input for %s", *tok, op),
						Resources: []ResourceConflict{{ResourceID: call.resourceID, ResourceType: call.resourceType}},
					}
				}
				prev, ok := replay(call.resourceID)
				if !ok {
					return zero, false, fmt.Errorf("clientToken %s of %s remembers %s %s, which is gone", *tok, op, call.resourceType, call.resourceID)
				}
				return prev, false, nil
			}
		}
		out, id, err := create(now)
		if err != nil {
			return zero, false, err
		}
		if tok != nil {
			e.tokens.remember(&idempotentCall{
				key: tokenKey{op, *tok}, input: digest, at: now, resourceID: id, resourceType: rt,
			})
		}
		return out, true, nil
	})
}

func (e *engine) createPolicyStore(in createPolicyStoreInput) (createPolicyStoreOutput, error) {
	if err := checkEncryptionContext(in, e.limits.encryptionContextBytes); err != nil {
		return createPolicyStoreOutput{}, err
	}
	return createOnce(e, "CreatePolicyStore", ResourceTypePolicyStore, &in.ClientToken, &in,
		func(now time.Time) (createPolicyStoreOutput, string, error) { return e.newPolicyStore(in, now) },
		func(id string) (createPolicyStoreOutput, bool) {
			ps, ok := e.policyStores[id]
			if !ok {
				return createPolicyStoreOutput{}, false
			}
			return e.storeCreateOutput(ps), true
		})
}

// newPolicyStore is CreatePolicyStore's work, under the lock.
func (e *engine) newPolicyStore(in createPolicyStoreInput, now time.Time) (createPolicyStoreOutput, string, error) {
	if len(e.policyStores) >= e.limits.policyStores {
		return createPolicyStoreOutput{}, "", policyStoreQuotaExceeded(e.limits.policyStores, e.account)
	}
	ps := &policyStore{
		id:                 e.newID(),
		validationMode:     in.ValidationSettings.Mode,
		description:        in.Description,
		deletionProtection: "DISABLED",
		tags:               in.Tags,
		created:            now,
		updated:            now,
	}
	if in.DeletionProtection != nil {
		ps.deletionProtection = *in.DeletionProtection
	}
	if es := in.EncryptionSettings; es != nil {
		ps.encryption = &encryptionState{Default: es.Default}
		if es.KMS != nil {
			ctx := es.KMS.EncryptionContext
			if ctx == nil {
				ctx = map[string]string{}
			}
			ps.encryption = &encryptionState{KMS: &kmsEncryptionState{Key: es.KMS.Key, EncryptionContext: ctx}}
		}
	}
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
	created := timestamp(ps.created)
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
	out := getPolicyStoreOutput{
		PolicyStoreID:      ps.id,
		Arn:                policyStoreArn(e.account, ps.id),
		ValidationSettings: validationSettings{Mode: ps.validationMode},
		CreatedDate:        timestamp(ps.created),
		LastUpdatedDate:    timestamp(ps.updated),
		Description:        ps.description,
		DeletionProtection: ps.deletionProtection,
		CedarVersion:       "CEDAR_4",
		EncryptionState:    ps.encryption,
	}
	if in.Tags && len(ps.tags) > 0 {
		out.Tags = ps.tags
	}
	return out, nil
}

func (e *engine) deletePolicyStore(in deletePolicyStoreInput) (emptyOutput, error) {
	return write(e, func() (emptyOutput, bool, error) {
		ps, ok := e.policyStores[in.PolicyStoreID]
		if !ok {
			return emptyOutput{}, false, nil // documented: deleting a missing store succeeds
		}
		if ps.deletionProtection == "ENABLED" {
			return emptyOutput{}, false, &InvalidStateException{
				Message: fmt.Sprintf("policy store %s has deletion protection enabled; disable it before deleting the policy store", ps.id),
			}
		}
		delete(e.policyStores, ps.id) // its identity sources and policies go with it [I]
		e.liveBytes -= storeBytes(ps)
		e.tokens.forgetResource(ps.id)
		for _, is := range ps.identitySources {
			delete(e.sourceStore, is.id)
			e.liveBytes -= sourceBytes(is)
			e.tokens.forgetResource(is.id)
		}
		for _, p := range ps.policies {
			e.removePolicy(ps, p)
			e.tokens.forgetResource(p.id)
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

func principalEntityTypeOrDefault(p *string) string {
	if p == nil {
		return defaultPrincipalEntityType
	}
	return *p
}

func (e *engine) createIdentitySource(in createIdentitySourceInput) (writeIdentitySourceOutput, error) {
	return createOnce(e, "CreateIdentitySource", ResourceTypeIdentitySource, &in.ClientToken, &in,
		func(now time.Time) (writeIdentitySourceOutput, string, error) { return e.newIdentitySource(in, now) },
		func(id string) (writeIdentitySourceOutput, bool) {
			ps, ok := e.policyStores[e.sourceStore[id]]
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
func (e *engine) newIdentitySource(in createIdentitySourceInput, now time.Time) (writeIdentitySourceOutput, string, error) {
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
	is := &identitySource{
		id:                  e.newID(),
		policyStoreID:       ps.id,
		principalEntityType: principalEntityTypeOrDefault(in.PrincipalEntityType),
		configuration:       normalise(in.Configuration),
		created:             now,
		updated:             now,
	}
	size := sourceBytes(is)
	if err := e.checkBytes(size, 0, ResourceTypeIdentitySource, ""); err != nil {
		return writeIdentitySourceOutput{}, "", err
	}
	ps.identitySources = append(ps.identitySources, is)
	e.sourceStore[is.id] = ps.id
	e.liveBytes += size
	e.recordSource(now, ps.id, is.id, is)
	return is.writeOutput(), is.id, nil
}

// writeOutput is the output of CreateIdentitySource and
// UpdateIdentitySource for the identity source.
func (is *identitySource) writeOutput() writeIdentitySourceOutput {
	return writeIdentitySourceOutput{
		CreatedDate:      timestamp(is.created),
		IdentitySourceID: is.id,
		LastUpdatedDate:  timestamp(is.updated),
		PolicyStoreID:    is.policyStoreID,
	}
}

func (e *engine) getIdentitySource(in identitySourceRef) (identitySourceOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	is, err := e.readLookup(in.PolicyStoreID, in.IdentitySourceID)
	if err != nil {
		return identitySourceOutput{}, err
	}
	return is.output(), nil
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
		next.updated = after(is.updated, now)
		*is = next
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
		delete(e.sourceStore, is.id)
		e.liveBytes -= sourceBytes(is)
		e.tokens.forgetResource(is.id)
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
		if c := a.created.Compare(b.created); c != 0 {
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
			if is.created.After(after.created) || (is.created.Equal(after.created) && is.id > after.id) {
				start = i
				break
			}
		}
	}
	out := listIdentitySourcesOutput{IdentitySources: []identitySourceOutput{}}
	end := min(start+limit, len(matching))
	for _, is := range matching[start:end] {
		out.IdentitySources = append(out.IdentitySources, is.output())
	}
	if end < len(matching) {
		last := matching[end-1]
		tok := encodeNextToken(sourcesTokenVersion, ps.id, last.created, last.id)
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
func (is *identitySource) output() identitySourceOutput {
	out := identitySourceOutput{
		CreatedDate:         timestamp(is.created),
		IdentitySourceID:    is.id,
		LastUpdatedDate:     timestamp(is.updated),
		PolicyStoreID:       is.policyStoreID,
		PrincipalEntityType: is.principalEntityType,
		Configuration:       &configurationDetail{OIDC: is.configuration.OIDC},
	}
	if c := is.configuration.Cognito; c != nil {
		clientIDs := slices.Clone(c.ClientIDs)
		if clientIDs == nil {
			clientIDs = []string{}
		}
		issuer := cognitoIssuer(c.UserPoolArn)
		out.Configuration.Cognito = &cognitoUserPoolConfigurationDetail{
			UserPoolArn:        c.UserPoolArn,
			ClientIDs:          clientIDs,
			Issuer:             issuer,
			GroupConfiguration: c.GroupConfiguration,
		}
		out.Details = &identitySourceDetails{
			ClientIDs:    clientIDs,
			UserPoolArn:  c.UserPoolArn,
			DiscoveryURL: issuer,
			OpenIDIssuer: "COGNITO",
		}
	}
	return out
}

// cognitoIssuer derives a user pool's issuer from its ARN,
// arn:<partition>:cognito-idp:<region>:<account>:userpool/<userPoolId>, as
// https://cognito-idp.<region>.amazonaws.com/<userPoolId>. The ARN has
// already matched the model's pattern.
func cognitoIssuer(userPoolArn string) string {
	parts := strings.SplitN(userPoolArn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	poolID := strings.TrimPrefix(parts[5], "userpool/")
	return fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", parts[3], poolID)
}
