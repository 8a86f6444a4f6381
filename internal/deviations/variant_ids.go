package deviations

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/vpconform/vpconform/schemas"
)

// idMembers are the members, in requests and answers, that hold a policy
// store, identity source or policy id: the registry's id members, sorted.
var idMembers = slices.Sorted(maps.Keys(schemas.Default().IDMembers()))

// idsAllowed is the Allowed sentence of the id variants.
const idsAllowed = "The model's PolicyStoreId, IdentitySourceId and PolicyId allow any id of 1 to 200 characters of [a-zA-Z0-9-] (PolicyId also / and _) " +
	"(the 22-character base62 ids AWS issues are an observation, not a contract)."

// idDerivation derives the id presented for the fake's id fakeID; attempt
// counts up from 0 for as long as the id derived collides with another.
type idDerivation func(fakeID string, attempt int) string

// idDigest is the SHA-1 digest an id derivation starts from.
func idDigest(form, fakeID string, attempt int) [sha1.Size]byte {
	name := "vpconform-variant/" + form + "/" + fakeID
	if attempt > 0 {
		name += "#" + strconv.Itoa(attempt)
	}
	return sha1.Sum([]byte(name))
}

// uuidID derives a lowercase name-based (version 5) UUID.
func uuidID(fakeID string, attempt int) string {
	b := idDigest("uuid", fakeID, attempt)
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// hex40ID derives 40 lowercase hexadecimal digits.
func hex40ID(fakeID string, attempt int) string {
	b := idDigest("hex40", fakeID, attempt)
	return hex.EncodeToString(b[:])
}

// idMap is the bijection between the ids the fake issued and the ids a
// variant presents for them.
type idMap struct {
	mu        sync.Mutex
	derive    idDerivation
	presented map[string]string // the fake's id → the id presented
	issued    map[string]string // the id presented → the fake's id
}

func newIDMap(derive idDerivation) *idMap {
	return &idMap{derive: derive, presented: map[string]string{}, issued: map[string]string{}}
}

// present returns the id presented for the fake's id, deriving and
// remembering one the first time. An id derived that is already presented
// for another, or that is itself an id of the fake, is derived again.
func (m *idMap) present(fakeID string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id, ok := m.presented[fakeID]; ok {
		return id
	}
	for attempt := 0; ; attempt++ {
		id := m.derive(fakeID, attempt)
		if _, taken := m.issued[id]; taken {
			continue
		}
		if _, isFake := m.presented[id]; isFake || id == fakeID {
			continue
		}
		m.presented[fakeID], m.issued[id] = id, fakeID
		return id
	}
}

// presentedFor returns the id presented for the fake's id, if there is one.
func (m *idMap) presentedFor(fakeID string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.presented[fakeID]
	return id, ok
}

// fakeIDOf returns the fake's id behind a presented id, if it is one.
func (m *idMap) fakeIDOf(id string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fakeID, ok := m.issued[id]
	return fakeID, ok
}

// register presents every id member anywhere in v, a success answer's body:
// the ids the fake issued.
func (m *idMap) register(v any) {
	editStrings(v, func(member, s string) any {
		if s != "" && slices.Contains(idMembers, member) {
			m.present(s)
		}
		return s
	})
}

// rewrite replaces, in every string anywhere in v except a nextToken, each
// id of the fake that has a presented id by it, and reports whether it
// changed anything. Ids are the maximal runs of [a-zA-Z0-9-], so an ARN's
// policy-store/<id> and an id quoted in a message are rewritten too.
func (m *idMap) rewrite(v any) bool {
	return editStrings(v, func(member, s string) any {
		if member == "nextToken" {
			return s
		}
		return m.rewriteString(s)
	})
}

func (m *idMap) rewriteString(s string) string {
	var out strings.Builder
	last := 0 // s[:last] is in out
	for i := 0; i < len(s); {
		if !isIDByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isIDByte(s[j]) {
			j++
		}
		if id, ok := m.presentedFor(s[i:j]); ok {
			out.WriteString(s[last:i])
			out.WriteString(id)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

func isIDByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-'
}

// idsVariant presents every policy store and identity source id the fake
// issues as the id derive gives for it.
func idsVariant(name, form string, derive idDerivation) Variant {
	return Variant{
		Name: name,
		Description: "Every policy store and identity source id the fake issues is presented as " + form +
			", in every answer (ARNs, error members and messages too) and mapped back in every request.",
		Allowed:          idsAllowed,
		RewritesRequests: true,
		middleware: func(next http.Handler) http.Handler {
			ids := newIDMap(derive)
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				a := ids.forward(next, c)
				body := a.json()
				if body == nil {
					return a
				}
				if a.ok() {
					ids.register(body)
				}
				if ids.rewrite(body) {
					a.setJSON(body)
				}
				return a
			})(next)
		},
	}
}

// forward sends the call on with each top-level id member that holds a
// presented id set to the fake's id behind it; any other id (one the
// variant never presented) goes on unchanged.
func (m *idMap) forward(next http.Handler, c *call) *answer {
	changed := false
	for _, member := range idMembers {
		if s, ok := c.Input[member].(string); ok {
			if fakeID, ok := m.fakeIDOf(s); ok {
				c.Input[member] = fakeID
				changed = true
			}
		}
	}
	if !changed {
		return c.forward(next)
	}
	body, err := encodeObject(c.Input)
	if err != nil {
		return c.forward(next)
	}
	return c.send(next, body)
}

func idsUUID() Variant {
	return idsVariant("ids-uuid", "a lowercase UUID (8-4-4-4-12 hexadecimal digits)", uuidID)
}

func idsHex40() Variant {
	return idsVariant("ids-hex40", "40 lowercase hexadecimal digits", hex40ID)
}
