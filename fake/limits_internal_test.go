package fake

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestHistoryMatchesEveryVersion drives an engine under a propagation
// delay with random creates, updates and deletes while the clock moves by
// random steps (zero included), and checks after each call that reads see
// exactly what a history that never forgets would show, that the history's
// byte count is the sum of what it holds, and, once the delay has passed
// with no writes, that it holds only the live state.
func TestHistoryMatchesEveryVersion(t *testing.T) {
	const delay = 50 * time.Millisecond
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	o := defaultOptions()
	o.now, o.propagation = func() time.Time { return now }, delay
	e := newEngine(o, newIDSource(7, true))
	e.identitySourceQuota = 3
	rng := rand.New(rand.NewPCG(1, 2))

	// every version ever recorded, by resource: "<store>" or "<store>/<source>".
	type rec struct {
		at  time.Time
		cfg string // "" when deleted; else the user pool ARN, or "store"
	}
	all := map[string][]rec{}
	record := func(key, cfg string) {
		vs := all[key]
		at := e.clock()
		if n := len(vs); n > 0 && at.Before(vs[n-1].at) {
			at = vs[n-1].at
		}
		all[key] = append(vs, rec{at, cfg})
	}
	seen := func(key string, t time.Time) string {
		cfg := ""
		for _, r := range all[key] {
			if r.at.After(t) {
				break
			}
			cfg = r.cfg
		}
		return cfg
	}
	var stores []string
	sources := map[string][]string{} // live, by store
	pool := func(i int) string {
		return fmt.Sprintf("arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_p%d", i)
	}
	for i := range 3000 {
		now = now.Add(time.Duration(rng.IntN(4)) * 5 * time.Millisecond)
		switch op := rng.IntN(10); {
		case op < 2 || len(stores) == 0:
			out, err := e.createPolicyStore(createPolicyStoreInput{ValidationSettings: validationSettings{Mode: "OFF"}})
			if err != nil {
				t.Fatal(err)
			}
			stores = append(stores, out.PolicyStoreID)
			record(out.PolicyStoreID, "store")
		case op < 4:
			ps := stores[rng.IntN(len(stores))]
			out, err := e.createIdentitySource(createIdentitySourceInput{
				PolicyStoreID: ps, Configuration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: pool(i)}},
			})
			if err != nil {
				continue // not visible yet, or full
			}
			sources[ps] = append(sources[ps], out.IdentitySourceID)
			record(ps+"/"+out.IdentitySourceID, pool(i))
		case op < 7:
			ps := stores[rng.IntN(len(stores))]
			if len(sources[ps]) == 0 {
				continue
			}
			id := sources[ps][rng.IntN(len(sources[ps]))]
			if _, err := e.updateIdentitySource(updateIdentitySourceInput{
				PolicyStoreID: ps, IdentitySourceID: id,
				UpdateConfiguration: configuration{Cognito: &cognitoUserPoolConfiguration{UserPoolArn: pool(i)}},
			}); err != nil {
				continue
			}
			record(ps+"/"+id, pool(i))
		case op < 8:
			ps := stores[rng.IntN(len(stores))]
			if len(sources[ps]) == 0 {
				continue
			}
			j := rng.IntN(len(sources[ps]))
			id := sources[ps][j]
			if _, err := e.deleteIdentitySource(identitySourceRef{PolicyStoreID: ps, IdentitySourceID: id}); err != nil {
				continue
			}
			sources[ps] = append(sources[ps][:j:j], sources[ps][j+1:]...)
			record(ps+"/"+id, "")
		default:
			j := rng.IntN(len(stores))
			ps := stores[j]
			if _, err := e.deletePolicyStore(deletePolicyStoreInput{PolicyStoreID: ps}); err != nil {
				t.Fatal(err)
			}
			stores = append(stores[:j:j], stores[j+1:]...)
			record(ps, "")
			for _, id := range sources[ps] {
				record(ps+"/"+id, "")
			}
			delete(sources, ps)
		}

		// Reads at the read time see what the full record says.
		e.mu.Lock()
		rt := e.readTime()
		for key := range all {
			store, source, isSource := cut(key)
			want := seen(key, rt)
			if isSource && seen(store, rt) == "" {
				want = "" // its store is gone
			}
			got := ""
			if ps, ok := e.readStore(store, rt); ok {
				if !isSource {
					got = "store"
				} else {
					for _, is := range e.readSources(ps, rt) {
						if is.id == source {
							got = is.configuration.Cognito.UserPoolArn
						}
					}
				}
			}
			if got != want {
				e.mu.Unlock()
				t.Fatalf("step %d: %s at %s: read %q, want %q", i, key, rt, got, want)
			}
		}
		if sum := historyBytes(e.hist); sum != e.hist.bytes {
			e.mu.Unlock()
			t.Fatalf("step %d: history counts %d bytes, holds %d", i, e.hist.bytes, sum)
		}
		e.mu.Unlock()
	}

	now = now.Add(2 * delay)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.prune()
	if e.hist.bytes != e.liveBytes {
		t.Errorf("after the delay the history holds %d bytes, the live state %d", e.hist.bytes, e.liveBytes)
	}
	for id, vs := range e.hist.stores {
		if len(vs) != 1 || vs[0].value == nil {
			t.Errorf("policy store %s: %d versions kept", id, len(vs))
		}
	}
	if n := len(e.hist.queue) - e.hist.head; n != 0 {
		t.Errorf("%d versions still queued", n)
	}
	if n := len(e.hist.stores); n != len(e.policyStores) {
		t.Errorf("history of %d policy stores, %d live", n, len(e.policyStores))
	}
}

// cut splits "<store>/<source>".
func cut(key string) (store, source string, isSource bool) {
	for i := range len(key) {
		if key[i] == '/' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

// historyBytes adds up the sizes of every version a history holds.
func historyBytes(h *history) int64 {
	var n int64
	for _, vs := range h.stores {
		for _, v := range vs {
			n += v.size
		}
	}
	for _, byID := range h.sources {
		for _, vs := range byID {
			for _, v := range vs {
				n += v.size
			}
		}
	}
	return n
}

// TestHistorySameInstant checks that of versions recorded at the same
// instant only the last is kept: no read can see the others.
func TestHistorySameInstant(t *testing.T) {
	h := newHistory(time.Second)
	t0 := time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)
	is := &identitySource{id: "s", policyStoreID: "p"}
	for range 100 {
		h.recordSource(t0, "p", "s", is)
	}
	if n := len(h.sources["p"]["s"]); n != 1 {
		t.Errorf("%d versions kept of 100 at one instant", n)
	}
	if h.bytes != sourceBytes(is) {
		t.Errorf("history counts %d bytes, want %d", h.bytes, sourceBytes(is))
	}
	h.recordSource(t0, "p", "s", nil)
	h.prune(t0.Add(time.Second))
	if len(h.sources) != 0 || h.bytes != 0 {
		t.Errorf("a deletion older than the delay left %v, %d bytes", h.sources, h.bytes)
	}
}

// TestTokenStore checks tokens expire in order and are forgotten with
// their resource.
func TestTokenStore(t *testing.T) {
	ts := newTokenStore()
	t0 := time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		ts.remember(idempotentCall{key: newTokenKey("CreatePolicyStore", fmt.Sprint(i)), at: t0.Add(time.Duration(i) * time.Hour).UnixMicro(), resourceID: testResourceID(i)})
	}
	ts.forget(newTokenKey("CreatePolicyStore", "9"), testResourceID(8)) // not the resource of this token
	ts.forget(newTokenKey("CreatePolicyStore", "9"), testResourceID(9))
	ts.expire(t0.Add(idempotencyWindow + 2*time.Hour)) // 0, 1 and 2 have expired
	if ts.len() != 6 || ts.queued() != 6 {
		t.Errorf("%d tokens, %d queued; want 6", ts.len(), ts.queued())
	}
	if c, ok := ts.lookup(newTokenKey("CreatePolicyStore", "3"), t0.Add(idempotencyWindow+2*time.Hour)); !ok || c.resourceID != testResourceID(3) {
		t.Errorf("token 3 within its window: %+v, %v; want resource %s", c, ok, testResourceID(3))
	}
	if _, ok := ts.lookup(newTokenKey("CreatePolicy", "3"), t0.Add(idempotencyWindow+2*time.Hour)); ok {
		t.Error("token 3 of another operation found")
	}
	// A call whose resource id the fake would not draw, or with no key,
	// is not remembered.
	ts.remember(idempotentCall{key: newTokenKey("CreatePolicyStore", "short"), at: t0.Add(9 * time.Hour).UnixMicro(), resourceID: "short"})
	ts.remember(idempotentCall{at: t0.Add(9 * time.Hour).UnixMicro(), resourceID: testResourceID(10)})
	if ts.len() != 6 {
		t.Errorf("%d tokens after remembering two that cannot be, want 6", ts.len())
	}
	// Replacing a token keeps one record.
	ts.remember(idempotentCall{key: newTokenKey("CreatePolicyStore", "3"), at: t0.Add(12 * time.Hour).UnixMicro(), resourceID: testResourceID(33)})
	if ts.len() != 6 || ts.queued() != 6 {
		t.Errorf("after replacing: %d tokens, %d queued; want 6", ts.len(), ts.queued())
	}
	if c, ok := ts.lookup(newTokenKey("CreatePolicyStore", "3"), t0.Add(12*time.Hour)); !ok || c.resourceID != testResourceID(33) {
		t.Errorf("token 3 replaced: %+v, %v; want resource %s", c, ok, testResourceID(33))
	}
}

// testResourceID is a resource id of idLength bytes, as the fake draws.
func testResourceID(i int) string {
	return fmt.Sprintf("R%0*d", idLength-1, i)
}

// TestTokenStoreCompacts checks the slots freed by deletions are given
// back, and that the calls left keep their order, tokens and resources.
func TestTokenStoreCompacts(t *testing.T) {
	ts := newTokenStore()
	t0 := time.Date(2024, 8, 12, 0, 0, 0, 0, time.UTC)
	const n = 10 * tokenChunk
	for i := range n {
		ts.remember(idempotentCall{key: newTokenKey("CreatePolicyStore", fmt.Sprint(i)), at: t0.Add(time.Duration(i) * time.Second).UnixMicro(), resourceID: testResourceID(i)})
	}
	for i := range n {
		if i%10 != 0 {
			ts.forget(newTokenKey("CreatePolicyStore", fmt.Sprint(i)), testResourceID(i))
		}
	}
	if ts.len() != n/10 || ts.queued() != n/10 {
		t.Fatalf("%d tokens, %d queued; want %d", ts.len(), ts.queued(), n/10)
	}
	if ts.slots > n/2 || len(ts.chunks) > n/2/tokenChunk {
		t.Errorf("%d slots in %d chunks for %d tokens, want at most %d: freed slots were not given back", ts.slots, len(ts.chunks), ts.len(), n/2)
	}
	prev := int64(-1 << 62)
	for i := ts.head; i != noSlot; i = ts.slot(i).next {
		if at := ts.slot(i).at; at <= prev {
			t.Errorf("slot %d at %d after %d: out of order", i, at, prev)
		}
		prev = ts.slot(i).at
	}
	for i := 0; i < n; i += 10 {
		c, ok := ts.lookup(newTokenKey("CreatePolicyStore", fmt.Sprint(i)), t0.Add(time.Hour))
		if !ok || c.resourceID != testResourceID(i) {
			t.Errorf("token %d: %+v, %v; want resource %s", i, c, ok, testResourceID(i))
		}
		ts.forget(newTokenKey("CreatePolicyStore", fmt.Sprint(i)), testResourceID(i))
	}
	if ts.len() != 0 || ts.queued() != 0 || ts.head != noSlot || ts.tail != noSlot {
		t.Errorf("after forgetting all: %d tokens, %d queued, head %d, tail %d; want none", ts.len(), ts.queued(), ts.head, ts.tail)
	}
}
