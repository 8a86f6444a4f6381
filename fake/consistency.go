package fake

import (
	"slices"
	"time"
)

// history makes reads eventually consistent (WithPropagationDelay): it keeps
// copies of recent versions of every policy store and identity source so
// that a read can see the state as it was delay ago. Writes use the engine's
// latest state and record each change here.
//
// Only what a read can still see is kept: for each resource, the versions
// younger than delay plus the newest one older than that. A resource whose
// newest old version is its deletion is forgotten.
type history struct {
	delay   time.Duration
	stores  map[string][]version[policyStore]
	sources map[string]map[string][]version[identitySource] // by policy store id, then identity source id
}

// version is a resource as it was from at on; value nil means deleted.
type version[T any] struct {
	at    time.Time
	value *T
}

func newHistory(delay time.Duration) *history {
	h := &history{delay: delay}
	h.reset()
	return h
}

func (h *history) reset() {
	h.stores = map[string][]version[policyStore]{}
	h.sources = map[string]map[string][]version[identitySource]{}
}

// appendVersion adds a version, never before the last one even when the
// clock went backwards, so that versions stay in time order.
func appendVersion[T any](vs []version[T], at time.Time, value *T) []version[T] {
	if n := len(vs); n > 0 && at.Before(vs[n-1].at) {
		at = vs[n-1].at
	}
	return append(vs, version[T]{at: at, value: value})
}

// visibleAt returns the version current at t: the last one at or before t,
// or nil when the resource did not exist yet or was deleted by then.
func visibleAt[T any](vs []version[T], t time.Time) *T {
	var v *T
	for _, x := range vs {
		if x.at.After(t) {
			break
		}
		v = x.value
	}
	return v
}

// pruned drops the versions no read at t or later can see: all but the last
// of those at or before t. It reports false when nothing remains to see: the
// only version left is an old deletion.
func pruned[T any](vs []version[T], t time.Time) ([]version[T], bool) {
	i := 0
	for i+1 < len(vs) && !vs[i+1].at.After(t) {
		i++
	}
	vs = vs[i:]
	if len(vs) == 1 && vs[0].value == nil && !vs[0].at.After(t) {
		return nil, false
	}
	return vs, true
}

// recordStore records a policy store as created or changed at now, or as
// deleted when ps is nil.
func (h *history) recordStore(now time.Time, id string, ps *policyStore) {
	var cp *policyStore
	if ps != nil {
		c := *ps
		c.identitySources = nil // recorded apart, with their own versions
		cp = &c
	}
	h.stores[id] = appendVersion(h.stores[id], now, cp)
	h.prune(now)
}

// recordSource records an identity source as created or changed at now, or
// as deleted when is is nil.
func (h *history) recordSource(now time.Time, policyStoreID, id string, is *identitySource) {
	var cp *identitySource
	if is != nil {
		c := *is // configurations are replaced on update, never changed in place
		cp = &c
	}
	byID := h.sources[policyStoreID]
	if byID == nil {
		byID = map[string][]version[identitySource]{}
		h.sources[policyStoreID] = byID
	}
	byID[id] = appendVersion(byID[id], now, cp)
	h.prune(now)
}

// prune forgets what no read from now on can see.
func (h *history) prune(now time.Time) {
	horizon := now.Add(-h.delay)
	for id, vs := range h.stores {
		if vs, ok := pruned(vs, horizon); ok {
			h.stores[id] = vs
		} else {
			delete(h.stores, id)
			delete(h.sources, id) // the store's identity sources went with it
		}
	}
	for storeID, byID := range h.sources {
		for id, vs := range byID {
			if vs, ok := pruned(vs, horizon); ok {
				byID[id] = vs
			} else {
				delete(byID, id)
			}
		}
		if len(byID) == 0 {
			delete(h.sources, storeID)
		}
	}
}

// storeAt returns the policy store as it was at t.
func (h *history) storeAt(id string, t time.Time) (*policyStore, bool) {
	ps := visibleAt(h.stores[id], t)
	return ps, ps != nil
}

// sourcesAt returns the identity sources of a policy store as they were at
// t, in no particular order.
func (h *history) sourcesAt(policyStoreID string, t time.Time) []*identitySource {
	var out []*identitySource
	for _, vs := range h.sources[policyStoreID] {
		if is := visibleAt(vs, t); is != nil {
			out = append(out, is)
		}
	}
	slices.SortFunc(out, func(a, b *identitySource) int { return a.created.Compare(b.created) })
	return out
}

// readTime is the time whose state a read sees: delay before now, with a
// propagation delay; without one it is unused, as reads see the latest state.
func (e *engine) readTime() time.Time {
	if e.hist == nil {
		return time.Time{}
	}
	return e.clock().Add(-e.hist.delay)
}

// readStore finds a policy store as a read at t sees it: the latest state,
// or, with a propagation delay, the state as it was at t.
func (e *engine) readStore(id string, t time.Time) (*policyStore, bool) {
	if e.hist == nil {
		ps, ok := e.policyStores[id]
		return ps, ok
	}
	return e.hist.storeAt(id, t)
}

// readSources lists a policy store's identity sources as a read at t sees
// them.
func (e *engine) readSources(ps *policyStore, t time.Time) []*identitySource {
	if e.hist == nil {
		return ps.identitySources
	}
	return e.hist.sourcesAt(ps.id, t)
}

// readLookup finds an identity source as a read sees it, or says which of
// the two ids is unknown.
func (e *engine) readLookup(policyStoreID, identitySourceID string) (*identitySource, error) {
	t := e.readTime()
	ps, ok := e.readStore(policyStoreID, t)
	if !ok {
		return nil, notFoundPolicyStore(policyStoreID)
	}
	for _, is := range e.readSources(ps, t) {
		if is.id == identitySourceID {
			return is, nil
		}
	}
	return nil, notFoundIdentitySource(policyStoreID, identitySourceID)
}
