package fake

import (
	"cmp"
	"slices"
	"time"
)

// history makes reads eventually consistent (WithPropagationDelay): it keeps
// copies of recent versions of every policy store and identity source so
// that a read can see the state as it was delay ago. Writes use the engine's
// latest state and record each change here.
//
// Policies are not kept: policy reads ignore the delay and see every
// policy in its latest state (policy.go). A copy of a policy store here
// neither shares nor retains its policies.
//
// Only what a read can still see is kept: for each resource, the versions
// younger than delay plus the newest one older than that; of versions
// recorded at the same instant, only the last. A resource whose newest old
// version is its deletion is forgotten. Every recorded version also goes
// into a queue in the order recorded, so that pruning looks only at the
// resources whose versions have aged past the delay since the last prune:
// the cost of a write does not grow with the number of resources.
type history struct {
	delay   time.Duration
	stores  map[string][]version[policyStore]
	sources map[string]map[string][]version[identitySource] // by policy store id, then identity source id
	// queue lists the recorded versions, from head on, in the order
	// recorded: the order of their times, as versions are never recorded
	// before the last one of the same resource and the clock rarely goes
	// backwards (when it does, a version is pruned a little late).
	queue []recorded
	head  int
	// bytes estimates the memory of every version held (storeBytes,
	// sourceBytes; a deletion holds nothing).
	bytes int64
}

// version is a resource as it was from at on; value nil means deleted.
type version[T any] struct {
	at    time.Time
	value *T
	size  int64
}

// recorded names a version in the queue: of a policy store when source is
// empty, else of an identity source of it.
type recorded struct {
	at            time.Time
	store, source string
}

func newHistory(delay time.Duration) *history {
	h := &history{delay: delay}
	h.reset()
	return h
}

func (h *history) reset() {
	h.stores = map[string][]version[policyStore]{}
	h.sources = map[string]map[string][]version[identitySource]{}
	h.queue, h.head, h.bytes = nil, 0, 0
}

// appendVersion adds a version, never before the last one even when the
// clock went backwards, so that versions stay in time order. A version at
// the same instant as the last replaces it: no read can see the one
// replaced. It returns the versions, the time recorded and the bytes freed.
func appendVersion[T any](vs []version[T], v version[T]) ([]version[T], time.Time, int64) {
	n := len(vs)
	if n == 0 {
		return append(vs, v), v.at, 0
	}
	last := vs[n-1]
	if v.at.Before(last.at) {
		v.at = last.at
	}
	if v.at.Equal(last.at) {
		vs[n-1] = v
		return vs, v.at, last.size
	}
	return append(vs, v), v.at, 0
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
// only version left is an old deletion. It returns the bytes freed.
func pruned[T any](vs []version[T], t time.Time) ([]version[T], bool, int64) {
	i := 0
	for i+1 < len(vs) && !vs[i+1].at.After(t) {
		i++
	}
	var freed int64
	for _, v := range vs[:i] {
		freed += v.size
	}
	clear(vs[:i]) // the array outlives the slice: drop its pointers
	vs = vs[i:]
	if len(vs) == 1 && vs[0].value == nil && !vs[0].at.After(t) {
		return nil, false, freed + vs[0].size
	}
	return vs, true, freed
}

// recordStore records a policy store as created or changed at now, or as
// deleted when ps is nil.
func (h *history) recordStore(now time.Time, id string, ps *policyStore) {
	v := version[policyStore]{at: now}
	if ps != nil {
		c := *ps
		// Identity sources are recorded apart, with their own versions.
		c.identitySources, c.sourceBuf, c.source0 = nil, [1]*identitySource{}, identitySource{}
		c.policies, c.policyNames = nil, nil // never recorded: reads see the latest
		v.value, v.size = &c, storeBytes(&c)
	}
	vs, at, freed := appendVersion(h.stores[id], v)
	h.stores[id] = vs
	h.bytes += v.size - freed
	h.enqueue(recorded{at: at, store: id})
}

// recordSource records an identity source as created or changed at now, or
// as deleted when is is nil.
func (h *history) recordSource(now time.Time, policyStoreID, id string, is *identitySource) {
	v := version[identitySource]{at: now}
	if is != nil {
		c := *is // configurations are replaced on update, never changed in place
		v.value, v.size = &c, sourceBytes(&c)
	}
	byID := h.sources[policyStoreID]
	if byID == nil {
		byID = map[string][]version[identitySource]{}
		h.sources[policyStoreID] = byID
	}
	vs, at, freed := appendVersion(byID[id], v)
	byID[id] = vs
	h.bytes += v.size - freed
	h.enqueue(recorded{at: at, store: policyStoreID, source: id})
}

func (h *history) enqueue(r recorded) {
	if h.head > 0 && h.head >= len(h.queue)/2 {
		// Most of the queue is spent: move the rest to the front, so that
		// the array does not keep growing.
		n := copy(h.queue, h.queue[h.head:])
		clear(h.queue[n:])
		h.queue, h.head = h.queue[:n], 0
	}
	h.queue = append(h.queue, r)
}

// prune forgets what no read from now on can see: it takes from the queue
// the versions that have aged past the delay and prunes their resources.
func (h *history) prune(now time.Time) {
	horizon := now.Add(-h.delay)
	for h.head < len(h.queue) && !h.queue[h.head].at.After(horizon) {
		r := h.queue[h.head]
		h.queue[h.head] = recorded{}
		h.head++
		if r.source == "" {
			h.pruneStore(r.store, horizon)
		} else {
			h.pruneSource(r.store, r.source, horizon)
		}
	}
	if h.head == len(h.queue) {
		h.queue, h.head = h.queue[:0], 0
	}
}

func (h *history) pruneStore(id string, horizon time.Time) {
	vs, ok := h.stores[id]
	if !ok {
		return
	}
	vs, ok, freed := pruned(vs, horizon)
	h.bytes -= freed
	if ok {
		h.stores[id] = vs
		return
	}
	delete(h.stores, id)
	for _, svs := range h.sources[id] { // the store's identity sources went with it
		for _, v := range svs {
			h.bytes -= v.size
		}
	}
	delete(h.sources, id)
}

func (h *history) pruneSource(storeID, id string, horizon time.Time) {
	byID := h.sources[storeID]
	vs, ok := byID[id]
	if !ok {
		return
	}
	vs, ok, freed := pruned(vs, horizon)
	h.bytes -= freed
	if ok {
		byID[id] = vs
		return
	}
	delete(byID, id)
	if len(byID) == 0 {
		delete(h.sources, storeID)
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
	slices.SortFunc(out, func(a, b *identitySource) int { return cmp.Compare(a.created, b.created) })
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
