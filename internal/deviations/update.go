package deviations

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

// maxClientIds is the model's bound on a list of client ids.
const maxClientIds = 1000

func updateMergesConfiguration() Deviation {
	return Deviation{
		Name: "update-merges-configuration",
		Description: "UpdateIdentitySource merges the new configuration into the old one instead of replacing it: " +
			"client ids and audiences are added to the old lists, and a group configuration, entity id prefix or principalIdClaim left out is kept.",
		Evidence: specs.EvidenceModel,
		DetectedBy: []string{
			"UpdateIdentitySource/Cognito/ReplaceClientIds",
			"UpdateIdentitySource/Cognito/DropGroupConfiguration",
			"UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			"UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
		},
		Shows: `expected HTTP 200 showing the write within \S+ \(the consistency timeout\), got HTTP 200 \(.*not as updated: .*clientIds`,
		middleware: existingSourceRewrite("UpdateIdentitySource", func(next http.Handler, c *call, _ *answer, current map[string]any) *answer {
			old := object(current, "configuration")
			update := object(c.Input, "updateConfiguration")
			if old == nil || update == nil || !mergeConfiguration(old, update) {
				return c.forward(next)
			}
			body, err := encodeObject(c.Input)
			if err != nil {
				return c.forward(next)
			}
			return c.send(next, body)
		}),
	}
}

// mergeConfiguration merges the old configuration (a ConfigurationDetail)
// into update (an UpdateConfiguration of the same kind) and reports whether
// it changed update.
func mergeConfiguration(old, update map[string]any) bool {
	changed := false
	if o, u := object(old, "cognitoUserPoolConfiguration"), object(update, "cognitoUserPoolConfiguration"); o != nil && u != nil {
		changed = mergeList(o, u, "clientIds") || changed
		changed = keep(o, u, "groupConfiguration") || changed
		return changed
	}
	o, u := object(old, "openIdConnectConfiguration"), object(update, "openIdConnectConfiguration")
	if o == nil || u == nil {
		return false
	}
	changed = keep(o, u, "groupConfiguration") || changed
	changed = keep(o, u, "entityIdPrefix") || changed
	for _, sel := range []struct{ kind, list string }{{"accessTokenOnly", "audiences"}, {"identityTokenOnly", "clientIds"}} {
		ot, ut := object(o, "tokenSelection", sel.kind), object(u, "tokenSelection", sel.kind)
		if ot == nil || ut == nil {
			continue
		}
		changed = mergeList(ot, ut, sel.list) || changed
		changed = keep(ot, ut, "principalIdClaim") || changed
	}
	return changed
}

// keep copies member from old into update when update leaves it out.
func keep(old, update map[string]any, member string) bool {
	v, ok := old[member]
	if _, has := update[member]; has || !ok {
		return false
	}
	update[member] = v
	return true
}

// mergeList sets update's list member to old's items followed by update's
// items not already there, within the model's bound.
func mergeList(old, update map[string]any, member string) bool {
	o, _ := old[member].([]any)
	u, _ := update[member].([]any)
	merged := append([]any(nil), o...)
	seen := map[string]bool{}
	for _, v := range o {
		if s, ok := v.(string); ok {
			seen[s] = true
		}
	}
	for _, v := range u {
		if s, ok := v.(string); ok && seen[s] {
			continue
		}
		merged = append(merged, v)
	}
	if len(merged) == len(u) || len(merged) > maxClientIds {
		return false
	}
	update[member] = merged
	return true
}

func staleGetAfterUpdate() Deviation {
	return Deviation{
		Name:        "stale-get-after-update",
		Description: "GetIdentitySource keeps answering with the first answer it gave for an identity source, for ever: updates (and a deletion) never become visible.",
		Evidence:    specs.EvidenceDocs,
		DetectedBy: []string{
			"UpdateIdentitySource/Cognito/ReplaceClientIds",
			"UpdateIdentitySource/Cognito/AddGroupConfiguration",
			"UpdateIdentitySource/Switch/CognitoToOIDC",
			"UpdateIdentitySource/Switch/OIDCToCognito",
			"GetIdentitySource/NotFound/AfterDeleteIdentitySource",
		},
		Shows: `expected HTTP 200 showing the write within \S+ \(the consistency timeout\), got HTTP 200 \(.*not as updated`,
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			cache := map[string][]byte{} // identity source key → body of its first successful Get
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				a := c.forward(next)
				if c.Operation != "GetIdentitySource" {
					return a
				}
				key, ok := identitySourceKey(c.Input)
				if !ok {
					return a
				}
				mu.Lock()
				defer mu.Unlock()
				first, cached := cache[key]
				if !cached {
					if a.ok() && json.Valid(a.body) {
						cache[key] = a.body
					}
					return a
				}
				// Replay the first answer, with this answer's request id.
				h := http.Header{}
				h.Set("Content-Type", schemas.ContentType)
				if id := a.header.Get("X-Amzn-Requestid"); id != "" {
					h.Set("X-Amzn-Requestid", id)
				}
				return &answer{status: http.StatusOK, header: h, body: first}
			})(next)
		},
	}
}

// updateOutputMembers are the members of an UpdateIdentitySource answer.
var updateOutputMembers = []string{"createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId"}

func updateIgnored() Deviation {
	return Deviation{
		Name: "update-ignored",
		Description: "UpdateIdentitySource answers a valid update of an existing identity source with success, " +
			"its ids and dates as they were, and changes nothing.",
		Evidence: specs.EvidenceModel,
		DetectedBy: []string{
			"UpdateIdentitySource/Cognito/ReplaceClientIds",
			"UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
			"UpdateIdentitySource/Cognito/AddGroupConfiguration",
			"UpdateIdentitySource/Cognito/DropGroupConfiguration",
			"UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			"UpdateIdentitySource/Switch/CognitoToOIDC",
			"UpdateIdentitySource/Switch/OIDCToCognito",
			"UpdateIdentitySource/OIDC/AccessTokenToIdentityToken",
			"UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
			"UpdateIdentitySource/PrincipalEntityType/Given",
			"UpdateIdentitySource/PrincipalEntityType/Omitted",
			"UpdateIdentitySource/Dates/CreatedDateKept",
			"UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
			"UpdateIdentitySource/Idempotent/SameUpdateTwice",
		},
		Shows: `expected HTTP 200 showing the write within \S+ \(the consistency timeout\), got HTTP 200 \(.*not as updated`,
		middleware: existingSourceRewrite("UpdateIdentitySource", func(_ http.Handler, _ *call, a *answer, current map[string]any) *answer {
			out := map[string]any{}
			for _, m := range updateOutputMembers {
				if v, ok := current[m]; ok {
					out[m] = v
				}
			}
			a.setJSON(out)
			return a
		}),
	}
}

func updateAnswersPrincipalEntityType() Deviation {
	return Deviation{
		Name: "update-answers-principal-entity-type",
		Description: "UpdateIdentitySource answers with the identity source's principalEntityType besides its ids and dates, " +
			"a member its output does not have.",
		Evidence:   specs.EvidenceModel,
		DetectedBy: []string{"UpdateIdentitySource/Output/ExactlyFourMembers"},
		Shows:      `expected to consist of \["createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId"\], got \[[^]]*\]; the extra elements were \["principalEntityType"\]`,
		middleware: apiMiddleware(func(next http.Handler, c *call) *answer {
			a := c.forward(next)
			if c.Operation != "UpdateIdentitySource" || !a.ok() {
				return a
			}
			body := a.json()
			if _, current := c.current(next); body != nil && current["principalEntityType"] != nil {
				body["principalEntityType"] = current["principalEntityType"]
				a.setJSON(body)
			}
			return a
		}),
	}
}

func deleteIgnored() Deviation {
	return Deviation{
		Name:        "delete-ignored",
		Description: "DeleteIdentitySource answers a valid deletion of an existing identity source with success and deletes nothing.",
		Evidence:    specs.EvidenceModel,
		DetectedBy:  []string{"GetIdentitySource/NotFound/AfterDeleteIdentitySource"},
		Shows:       `expected HTTP 404 ResourceNotFoundException within \S+ \(the consistency timeout\), got HTTP 200 still finding the identity source`,
		middleware: existingSourceRewrite("DeleteIdentitySource", func(_ http.Handler, _ *call, a *answer, _ map[string]any) *answer {
			a.body = []byte(`{}`)
			return a
		}),
	}
}
