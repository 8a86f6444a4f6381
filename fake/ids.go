package fake

import (
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"unsafe"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idLength is the length of policy store and identity source ids, as
// observed on AWS (for example "C7v5xMplfFH3i3e4Jrzb1a").
const idLength = 22

// idSource produces resource ids and request ids. Two independent streams are
// kept so that the resource ids of a seeded server do not depend on how many
// read requests were made in between.
type idSource struct {
	mu       sync.Mutex
	seed     int64
	seeded   bool
	resource *rand.Rand
	request  *rand.Rand
}

func newIDSource(seed int64, seeded bool) *idSource {
	s := &idSource{seed: seed, seeded: seeded}
	s.restart()
	return s
}

// restart rewinds a seeded source to its seed, and draws a fresh random seed
// for an unseeded one.
func (s *idSource) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	seed := uint64(s.seed)
	if !s.seeded {
		var b [8]byte
		_, _ = crand.Read(b[:]) // never fails on supported platforms
		seed = binary.LittleEndian.Uint64(b[:])
	}
	s.resource = rand.New(rand.NewPCG(seed, 0x7670666b5f726573)) // "vpfk_res"
	s.request = rand.New(rand.NewPCG(seed, 0x7670666b5f726571))  // "vpfk_req"
}

// resourceID returns a 22-character base62 id.
func (s *idSource) resourceID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, idLength)
	for i := range b {
		b[i] = base62[s.resource.IntN(len(base62))]
	}
	return string(b)
}

// requestIDLength is the length of a request id: a UUID, 8-4-4-4-12 hex
// digits.
const requestIDLength = 36

// requestIDInto writes a fresh version-4 UUID into out, as x-amzn-RequestId
// carries it.
func (s *idSource) requestIDInto(out *[requestIDLength]byte) {
	s.mu.Lock()
	hi, lo := s.request.Uint64(), s.request.Uint64()
	s.mu.Unlock()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// 8-4-4-4-12 hex digits, as fmt's "%x-%x-%x-%x-%x" of the five
	// groups writes them, without fmt's cost on every request.
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
}

// resourceIDBytes holds a resource id of idLength bytes inside the policy
// store or identity source it names, so that its id is no allocation of
// its own: reading a resource at random (GetIdentitySource among a million
// pairs) then misses the cache on the resource once, not again on its id,
// and the garbage collector has one object less to mark.
type resourceIDBytes [idLength]byte

// inlineID returns id as a string whose bytes are buf's, when it has
// idLength bytes as every id the fake draws has; other ids (a State's may
// have any length) are returned as they are. buf must never be written
// again: the string is immutable as any, and the struct that holds buf is
// copied (the history's versions) but only ever read.
func inlineID(buf *resourceIDBytes, id string) string {
	if len(id) != idLength {
		return id
	}
	copy(buf[:], id)
	return unsafe.String(&buf[0], idLength)
}

// idSet is a set of resource ids. The ids the fake draws, of idLength
// bytes, are kept as arrays, so that a million of them hold no pointer
// for the garbage collector to follow; others (a State's may have any
// length) as strings.
type idSet struct {
	drawn map[resourceIDBytes]struct{}
	other map[string]struct{}
}

func (s *idSet) add(id string) {
	if len(id) == idLength {
		if s.drawn == nil {
			s.drawn = map[resourceIDBytes]struct{}{}
		}
		s.drawn[resourceIDBytes([]byte(id))] = struct{}{}
		return
	}
	if s.other == nil {
		s.other = map[string]struct{}{}
	}
	s.other[id] = struct{}{}
}

func (s *idSet) has(id string) bool {
	var ok bool
	if len(id) == idLength {
		_, ok = s.drawn[resourceIDBytes([]byte(id))]
	} else {
		_, ok = s.other[id]
	}
	return ok
}

func (s *idSet) remove(id string) {
	if len(id) == idLength {
		delete(s.drawn, resourceIDBytes([]byte(id)))
	} else {
		delete(s.other, id)
	}
}

func (s *idSet) len() int {
	return len(s.drawn) + len(s.other)
}
