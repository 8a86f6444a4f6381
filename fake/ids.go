package fake

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
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

// requestID returns a version-4 UUID string for x-amzn-RequestId.
func (s *idSource) requestID() string {
	s.mu.Lock()
	hi, lo := s.request.Uint64(), s.request.Uint64()
	s.mu.Unlock()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
