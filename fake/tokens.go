package fake

import (
	"crypto/sha256"
	"time"
)

// tokenStore remembers the creates made with a clientToken, for 8 hours
// (idempotencyWindow), so that a create replayed with the same token and
// input returns the first output. Of each call it keeps digests, of the
// operation and token and of the input, not the token or the input, and
// the id of the resource created, not the output, which is rebuilt from
// the resource (createOnce); it forgets a token once its window has
// passed or the resource it created is deleted (the resource keeps the
// key of its token for that), so that what it holds is bounded by the
// resources that exist. Its methods are called with the engine's lock
// held.
//
// The calls are kept by value in slots, linked in the order remembered
// (which is the order of their times unless the clock went backwards)
// through their indexes, and found through a map of indexes: a call
// takes about 100 bytes, where a pointer to a record, a list element and
// two map entries of strings took five times as many, and none of it
// holds a pointer, so that the garbage collector has nothing to mark in
// it. The id of the resource a call created is one the fake drew (ids.go),
// of idLength bytes, kept in the slot. The slots are allocated a chunk of
// tokenChunk at a time, so that growing copies none and leaves at most a
// chunk unused.
type tokenStore struct {
	chunks [][]tokenSlot
	// slots is how many slots the chunks have handed out, live or free.
	slots int32
	// calls gives the slot of the call made with a token.
	calls map[tokenKey]int32
	// head and tail are the oldest and newest calls, free the first of
	// the free slots (chained through next); noSlot when there is none.
	head, tail, free int32
}

// tokenChunk is how many slots a chunk of a tokenStore has.
const tokenChunk = 1024

// noSlot ends the chains of tokenSlot.
const noSlot = -1

// tokenKey identifies a clientToken of an operation: the first 128 bits
// of the SHA-256 of the operation's name, a NUL and the token. The zero
// key is no token's.
type tokenKey [16]byte

// inputDigest is the first 128 bits of the SHA-256 of the canonical JSON
// of a create's input, clientToken removed.
type inputDigest [16]byte

func newTokenKey(op, token string) tokenKey {
	h := sha256.New()
	h.Write([]byte(op))
	h.Write([]byte{0})
	h.Write([]byte(token))
	var sum [sha256.Size]byte
	var k tokenKey
	copy(k[:], h.Sum(sum[:0]))
	return k
}

func newInputDigest(canonical []byte) inputDigest {
	sum := sha256.Sum256(canonical)
	var d inputDigest
	copy(d[:], sum[:])
	return d
}

// idempotentCall remembers a create made with a clientToken.
type idempotentCall struct {
	key        tokenKey
	input      inputDigest
	at         int64 // when it was made, in microseconds since the Unix epoch
	resourceID string
}

// tokenSlot holds a call, its resource id as bytes, and its neighbours in
// the order remembered.
type tokenSlot struct {
	key        tokenKey
	input      inputDigest
	at         int64
	resourceID resourceIDBytes
	prev, next int32
}

func (s *tokenSlot) call() idempotentCall {
	return idempotentCall{key: s.key, input: s.input, at: s.at, resourceID: string(s.resourceID[:])}
}

// windowMicros is idempotencyWindow in microseconds, the unit of
// idempotentCall.at.
var windowMicros = idempotencyWindow.Microseconds()

func newTokenStore() *tokenStore {
	return &tokenStore{calls: map[tokenKey]int32{}, head: noSlot, tail: noSlot, free: noSlot}
}

// len is how many tokens are remembered.
func (ts *tokenStore) len() int {
	return len(ts.calls)
}

// expire forgets the calls whose window has passed at now. It stops at the
// first call still in its window, so a call made before the clock went
// backwards may outlive its window a little; lookup checks it again.
func (ts *tokenStore) expire(now time.Time) {
	t := now.UnixMicro()
	for ts.head != noSlot {
		if t-ts.slot(ts.head).at < windowMicros {
			return
		}
		ts.remove(ts.head)
	}
}

// lookup returns the call made with key within the window.
func (ts *tokenStore) lookup(key tokenKey, now time.Time) (idempotentCall, bool) {
	ts.expire(now)
	i, ok := ts.calls[key]
	if !ok || now.UnixMicro()-ts.slot(i).at >= windowMicros {
		return idempotentCall{}, false
	}
	return ts.slot(i).call(), true
}

// remember adds a call, replacing any earlier one with its key. A call
// whose resource id is not of idLength bytes, which no id the fake draws
// is, or whose key is zero, is not remembered.
func (ts *tokenStore) remember(c idempotentCall) {
	if len(c.resourceID) != idLength || c.key == (tokenKey{}) {
		return
	}
	rid := resourceIDBytes([]byte(c.resourceID))
	if old, ok := ts.calls[c.key]; ok {
		ts.remove(old)
	}
	i := ts.free
	if i == noSlot {
		if ts.slots%tokenChunk == 0 {
			ts.chunks = append(ts.chunks, make([]tokenSlot, tokenChunk))
		}
		i = ts.slots
		ts.slots++
	} else {
		ts.free = ts.slot(i).next
	}
	*ts.slot(i) = tokenSlot{key: c.key, input: c.input, at: c.at, resourceID: rid, prev: ts.tail, next: noSlot}
	if ts.tail == noSlot {
		ts.head = i
	} else {
		ts.slot(ts.tail).next = i
	}
	ts.tail = i
	ts.calls[c.key] = i
}

// forget forgets the call made with key, when it created the resource id,
// now deleted: a create replayed with its token afterwards is a new call.
// key is the zero key for a resource made without a token.
func (ts *tokenStore) forget(key tokenKey, id string) {
	if key == (tokenKey{}) {
		return
	}
	if i, ok := ts.calls[key]; ok && string(ts.slot(i).resourceID[:]) == id {
		ts.remove(i)
	}
}

// remove forgets the call in slot i and frees the slot; when most slots
// are free, the calls are moved to a smaller slice.
func (ts *tokenStore) remove(i int32) {
	s := ts.slot(i)
	if s.prev == noSlot {
		ts.head = s.next
	} else {
		ts.slot(s.prev).next = s.next
	}
	if s.next == noSlot {
		ts.tail = s.prev
	} else {
		ts.slot(s.next).prev = s.prev
	}
	delete(ts.calls, s.key)
	*s = tokenSlot{prev: noSlot, next: ts.free}
	ts.free = i
	if ts.slots > 2*tokenChunk && len(ts.calls) < int(ts.slots)/4 {
		ts.compact()
	}
}

// slot is the slot of index i.
func (ts *tokenStore) slot(i int32) *tokenSlot {
	return &ts.chunks[i/tokenChunk][i%tokenChunk]
}

// compact moves the calls, in order, to as few chunks as hold them, so
// that the slots freed by deletions are given back: the cost is that of
// the calls moved, at most a quarter of the slots, which the deletions
// since the last compaction pay for.
func (ts *tokenStore) compact() {
	old := *ts
	ts.chunks, ts.slots = nil, 0
	ts.head, ts.tail, ts.free = noSlot, noSlot, noSlot
	for i := old.head; i != noSlot; i = old.slot(i).next {
		s := *old.slot(i)
		if ts.slots%tokenChunk == 0 {
			ts.chunks = append(ts.chunks, make([]tokenSlot, tokenChunk))
		}
		j := ts.slots
		ts.slots++
		s.prev, s.next = ts.tail, noSlot
		*ts.slot(j) = s
		if ts.tail == noSlot {
			ts.head = j
		} else {
			ts.slot(ts.tail).next = j
		}
		ts.tail = j
		ts.calls[s.key] = j
	}
}

// queued is how many calls the order links, from the oldest: len when
// the links are sound.
func (ts *tokenStore) queued() int {
	n := 0
	for i := ts.head; i != noSlot; i = ts.slot(i).next {
		n++
	}
	return n
}
