package fake

import (
	"container/list"
	"crypto/sha256"
	"time"
)

// tokenStore remembers the creates made with a clientToken, for 8 hours
// (idempotencyWindow), so that a create replayed with the same token and
// input returns the first output. It keeps a digest of each input, not
// the input, and the id of the resource created, not the output, which is
// rebuilt from the resource (createOnce); it forgets a token once its window has passed or the
// resource it created is deleted, so that what it holds is bounded by the
// resources that exist. Its methods are called with the engine's lock
// held.
type tokenStore struct {
	calls      map[tokenKey]*idempotentCall
	byResource map[string]*idempotentCall // by the id of the resource created
	// order holds the calls, as *idempotentCall, in the order remembered,
	// which is the order of their times unless the clock went backwards.
	order list.List
}

type tokenKey struct {
	operation string
	token     string
}

// idempotentCall remembers a create made with a clientToken.
type idempotentCall struct {
	key          tokenKey
	input        [sha256.Size]byte // SHA-256 of the canonical JSON of the input, clientToken removed
	at           time.Time
	resourceID   string
	resourceType ResourceType
	elem         *list.Element
}

func newTokenStore() *tokenStore {
	return &tokenStore{calls: map[tokenKey]*idempotentCall{}, byResource: map[string]*idempotentCall{}}
}

// len is how many tokens are remembered.
func (ts *tokenStore) len() int {
	return len(ts.calls)
}

// expire forgets the calls whose window has passed at now. It stops at the
// first call still in its window, so a call made before the clock went
// backwards may outlive its window a little; lookup checks it again.
func (ts *tokenStore) expire(now time.Time) {
	for e := ts.order.Front(); e != nil; e = ts.order.Front() {
		c := e.Value.(*idempotentCall)
		if now.Sub(c.at) < idempotencyWindow {
			return
		}
		ts.remove(c)
	}
}

// lookup returns the call made with key within the window, or nil.
func (ts *tokenStore) lookup(key tokenKey, now time.Time) *idempotentCall {
	ts.expire(now)
	c, ok := ts.calls[key]
	if !ok || now.Sub(c.at) >= idempotencyWindow {
		return nil
	}
	return c
}

// remember adds a call, replacing any earlier one with its key.
func (ts *tokenStore) remember(c *idempotentCall) {
	if old, ok := ts.calls[c.key]; ok {
		ts.remove(old)
	}
	c.elem = ts.order.PushBack(c)
	ts.calls[c.key] = c
	ts.byResource[c.resourceID] = c
}

// forgetResource forgets the call that created a resource, now deleted:
// a create replayed with its token afterwards is a new call.
func (ts *tokenStore) forgetResource(id string) {
	if c, ok := ts.byResource[id]; ok {
		ts.remove(c)
	}
}

func (ts *tokenStore) remove(c *idempotentCall) {
	ts.order.Remove(c.elem)
	delete(ts.calls, c.key)
	if ts.byResource[c.resourceID] == c {
		delete(ts.byResource, c.resourceID)
	}
}
