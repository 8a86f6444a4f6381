package deviations

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/vpconform/vpconform/specs"
)

// The deviations of what identity sources are for: how IsAuthorizedWithToken
// checks tokens and maps them to principals.

// authorizationOperation reports whether op evaluates tokens.
func authorizationOperation(op string) bool {
	return op == "IsAuthorizedWithToken" || op == "BatchIsAuthorizedWithToken"
}

// restoreLastUpdatedDate sets the lastUpdatedDate of src, an identity source
// as GetIdentitySource or ListIdentitySources describes it, back to written,
// the lastUpdatedDate the answer to its latest write gave, when src's is
// later: a deviation that rewrites the wrapped fake's identity source
// behind the client's back (each such write advances lastUpdatedDate) shows
// the date of the client's own latest write. An earlier or equal date (a
// read that does not show the write yet) is left alone. It reports whether
// it changed src.
func restoreLastUpdatedDate(src map[string]any, written any) bool {
	if !laterDate(src["lastUpdatedDate"], written) {
		return false
	}
	src["lastUpdatedDate"] = written
	return true
}

// laterDate reports whether a and b are RFC 3339 dates and a is after b.
func laterDate(a, b any) bool {
	x, ok1 := a.(string)
	y, ok2 := b.(string)
	if !ok1 || !ok2 {
		return false
	}
	ta, err1 := time.Parse(time.RFC3339Nano, x)
	tb, err2 := time.Parse(time.RFC3339Nano, y)
	return err1 == nil && err2 == nil && ta.After(tb)
}

// clientIDsNote is what tokenClientIdsIgnored remembers of an identity
// source: the client ids its latest write configured and took out of the
// store (nil when it took none out), and the lastUpdatedDate of that
// write's answer.
type clientIDsNote struct {
	ids             []any
	lastUpdatedDate any
}

func tokenClientIdsIgnored() Deviation {
	return Deviation{
		Name: "token-client-ids-ignored",
		Description: "IsAuthorizedWithToken accepts a token of any app client of a Cognito identity source's user pool, " +
			"ignoring the client ids configured (which GetIdentitySource still shows).",
		Evidence: specs.EvidenceDocs,
		DetectedBy: []string{
			"IsAuthorizedWithToken/Refused/UnlistedClient",
			"UpdateIdentitySource/Tokens/RemovedClientRefused",
		},
		Shows: `expected HTTP 400 ValidationException refusing the token within \S+ \(the consistency timeout\), got HTTP 200 decision "ALLOW"`,
		// The emulator keeps no client ids where it checks tokens: each
		// successful write of a Cognito configuration with client ids is
		// followed by an update of the wrapped fake without them (the
		// write itself goes through as it came, so that its validation
		// and its clientToken are the fake's own), and every answer
		// describing the source gets them back, with the lastUpdatedDate
		// of the client's write.
		middleware: func(next http.Handler) http.Handler {
			memory := newSourceMemory[clientIDsNote]()
			putBack := func(src map[string]any, note clientIDsNote) bool {
				if note.ids == nil {
					return false
				}
				changed := false
				if c := object(src, "configuration", "cognitoUserPoolConfiguration"); c != nil {
					c["clientIds"] = note.ids
					changed = true
				}
				if d := object(src, "details"); d != nil {
					if _, has := d["clientIds"]; has {
						d["clientIds"] = note.ids
						changed = true
					}
				}
				return restoreLastUpdatedDate(src, note.lastUpdatedDate) || changed
			}
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				a := c.forward(next)
				key, ok := c.written(a)
				if !ok {
					return memory.rewrite(c, a, putBack)
				}
				if _, known := memory.recall(key); known && c.Operation == "CreateIdentitySource" {
					// A clientToken replay: the fake wrote nothing.
					return a
				}
				note := clientIDsNote{}
				cognito := object(c.configuration(), "cognitoUserPoolConfiguration")
				if ids, _ := cognito["clientIds"].([]any); len(ids) > 0 {
					without := make(map[string]any, len(cognito))
					for k, v := range cognito {
						if k != "clientIds" {
							without[k] = v
						}
					}
					store, src, _ := strings.Cut(key, "/")
					input := map[string]any{"policyStoreId": store, "identitySourceId": src,
						"updateConfiguration": map[string]any{"cognitoUserPoolConfiguration": without}}
					if p, ok := c.Input["principalEntityType"]; ok {
						input["principalEntityType"] = p
					}
					if c.sideCall(next, "UpdateIdentitySource", input).ok() {
						note = clientIDsNote{ids: ids, lastUpdatedDate: a.json()["lastUpdatedDate"]}
					}
				}
				memory.remember(key, note)
				return a
			})(next)
		},
	}
}

// firstMapping is what tokenMappingKeptAfterUpdate remembers of the identity
// source of a policy store: the UpdateIdentitySource inputs that restore its
// first configuration and its latest one, and the lastUpdatedDate of the
// answer to its latest write.
type firstMapping struct {
	source          string
	first, latest   map[string]any
	lastUpdatedDate any
}

func tokenMappingKeptAfterUpdate() Deviation {
	return Deviation{
		Name: "token-mapping-kept-after-update",
		Description: "IsAuthorizedWithToken keeps mapping tokens with an identity source's first configuration and principal entity type " +
			"after UpdateIdentitySource has changed them, although GetIdentitySource shows the update.",
		Evidence: specs.EvidenceDocs,
		DetectedBy: []string{
			"UpdateIdentitySource/Tokens/RemovedClientRefused",
			"UpdateIdentitySource/Tokens/CognitoToOIDC",
			"UpdateIdentitySource/Tokens/PrincipalEntityType",
		},
		Shows: `IsAuthorizedWithToken .*after the (update|switch): expected HTTP (400 ValidationException refusing the token|200 with decision ALLOW) within \S+ \(the consistency timeout\), got`,
		// The emulator caches the mapping it made first: each evaluation
		// runs with the first configuration put back for its duration.
		// Those two updates of the wrapped fake advance its
		// lastUpdatedDate, which the answers describing the source show
		// as the client's latest write left it.
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			mappings := map[string]*firstMapping{} // by policy store id
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				switch {
				case c.configuration() != nil:
					a := c.forward(next)
					key, ok := c.written(a)
					if !ok {
						return a
					}
					store, src, _ := strings.Cut(key, "/")
					input := map[string]any{"policyStoreId": store, "identitySourceId": src, "updateConfiguration": c.configuration()}
					if p, ok := c.Input["principalEntityType"]; ok {
						input["principalEntityType"] = p
					}
					date := a.json()["lastUpdatedDate"]
					mu.Lock()
					defer mu.Unlock()
					switch m := mappings[store]; {
					case m != nil && m.source == src && c.Operation == "CreateIdentitySource":
						// A clientToken replay: the fake wrote nothing.
					case m != nil && m.source == src:
						m.latest, m.lastUpdatedDate = input, date
					default:
						mappings[store] = &firstMapping{source: src, first: input, latest: input, lastUpdatedDate: date}
					}
					return a
				case authorizationOperation(c.Operation):
					store, _ := c.Input["policyStoreId"].(string)
					mu.Lock()
					defer mu.Unlock()
					m := mappings[store]
					if m == nil || sameJSON(m.first, m.latest) {
						return c.forward(next)
					}
					c.sideCall(next, "UpdateIdentitySource", m.first)
					a := c.forward(next)
					c.sideCall(next, "UpdateIdentitySource", m.latest)
					return a
				}
				a := c.forward(next)
				if !a.ok() {
					return a
				}
				body := a.json()
				changed := false
				mu.Lock()
				for _, src := range identitySourceBodies(c.Operation, body) {
					store, _ := src["policyStoreId"].(string)
					if m := mappings[store]; m != nil && m.source == src["identitySourceId"] {
						changed = restoreLastUpdatedDate(src, m.lastUpdatedDate) || changed
					}
				}
				mu.Unlock()
				if changed {
					a.setJSON(body)
				}
				return a
			})(next)
		},
	}
}

// sameJSON reports whether a and b encode alike.
func sameJSON(a, b map[string]any) bool {
	x, err1 := encodeObject(a)
	y, err2 := encodeObject(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func tokenPrincipalWithoutUserPoolID() Deviation {
	return Deviation{
		Name: "token-principal-without-user-pool-id",
		Description: "IsAuthorizedWithToken and BatchIsAuthorizedWithToken answer the principal of a Cognito token as <principalEntityType>::\"<sub>\", " +
			"without the \"<user pool id>|\" the guides put before the sub (the policies still see the principal with it).",
		Evidence: specs.EvidenceDocs,
		DetectedBy: []string{
			"IsAuthorizedWithToken/Cognito/IdTokenPrincipal",
			"IsAuthorizedWithToken/Cognito/AccessToken",
		},
		Shows: `expected principal MyCorp::User::"[^"|]+\|[^"]+", got MyCorp::User::"[^"|]+"`,
		// Only the principal of a Cognito identity source: the user pool
		// id of the policy store's identity source, read from the wrapped
		// fake, is taken off; an OpenID Connect source's
		// "<entityIdPrefix>|" is kept.
		middleware: apiMiddleware(func(next http.Handler, c *call) *answer {
			a := c.forward(next)
			if !authorizationOperation(c.Operation) || !a.ok() {
				return a
			}
			body := a.json()
			p := object(body, "principal")
			if p == nil {
				return a
			}
			id, _ := p["entityId"].(string)
			pool := cognitoUserPoolID(c, next)
			if pool == "" {
				return a
			}
			sub, ok := strings.CutPrefix(id, pool+"|")
			if !ok {
				return a
			}
			p["entityId"] = sub
			a.setJSON(body)
			return a
		}),
	}
}

// cognitoUserPoolID asks next for the identity sources of the policy store
// the call names and returns the user pool id of its Cognito one, the last
// part of its userPoolArn, or "" when it has none.
func cognitoUserPoolID(c *call, next http.Handler) string {
	store, ok := c.Input["policyStoreId"].(string)
	if !ok {
		return ""
	}
	a := c.sideCall(next, "ListIdentitySources", map[string]any{"policyStoreId": store})
	if !a.ok() {
		return ""
	}
	for _, src := range identitySourceBodies("ListIdentitySources", a.json()) {
		arn, _ := object(src, "configuration", "cognitoUserPoolConfiguration")["userPoolArn"].(string)
		if _, pool, ok := strings.Cut(arn, ":userpool/"); ok && pool != "" {
			return pool
		}
	}
	return ""
}
