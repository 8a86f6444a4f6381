package deviations

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/vpconform/vpconform/schemas"
)

func cognitoDetailsMissing() Deviation {
	return Deviation{
		Name:        "cognito-details-missing",
		Description: "GetIdentitySource and ListIdentitySources leave out the deprecated details member for a Cognito identity source.",
		Evidence:    EvidenceInferred,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/Details",
			"UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
		},
		Shows: `details: expected the deprecated details of a Cognito identity source, got none`,
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			if object(src, "configuration", "cognitoUserPoolConfiguration") == nil {
				return false
			}
			_, had := src["details"]
			delete(src, "details")
			return had
		}),
	}
}

func oidcSourceHasDetails() Deviation {
	return Deviation{
		Name:        "oidc-source-has-details",
		Description: "GetIdentitySource and ListIdentitySources send the Cognito-only deprecated details for an OpenID Connect identity source too, with discoveryUrl the issuer.",
		Evidence:    EvidenceInferred,
		DetectedBy: []string{
			"GetIdentitySource/OIDC/NoDetails",
			"UpdateIdentitySource/Switch/CognitoToOIDC",
		},
		Shows: `details of an OpenID Connect identity source: expected none .*, got \{"discoveryUrl"`,
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			oidc := object(src, "configuration", "openIdConnectConfiguration")
			if oidc == nil {
				return false
			}
			if _, has := src["details"]; has {
				return false
			}
			details := map[string]any{}
			if issuer, ok := oidc["issuer"].(string); ok {
				details["discoveryUrl"] = issuer
			}
			src["details"] = details
			return true
		}),
	}
}

func clientIdsOmitted() Deviation {
	return Deviation{
		Name:        "client-ids-omitted",
		Description: "A Cognito identity source without client ids is answered with clientIds left out instead of an empty list.",
		Evidence:    EvidenceObserved,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			"UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
		},
		Shows: `clientIds: expected \[\], got no such member`,
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			changed := false
			for _, m := range []map[string]any{object(src, "configuration", "cognitoUserPoolConfiguration"), object(src, "details")} {
				if ids, ok := m["clientIds"].([]any); ok && len(ids) == 0 {
					delete(m, "clientIds")
					changed = true
				}
			}
			return changed
		}),
	}
}

func principalIdClaimNotDefaulted() Deviation {
	return Deviation{
		Name:        "principal-id-claim-not-defaulted",
		Description: "An OpenID Connect token selection created or updated without principalIdClaim is answered without one instead of with the default sub.",
		Evidence:    EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/OIDC/AccessTokenPrincipalIdClaimDefaultsToSub",
			"GetIdentitySource/OIDC/IdentityTokenPrincipalIdClaimDefaultsToSub",
			"UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
		},
		Shows: `principalIdClaim: expected "sub", got no such member`,
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			omitted := map[string]bool{} // identity source key → its token selection came without principalIdClaim
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				a := c.forward(next)
				if !a.ok() {
					return a
				}
				body := a.json()
				if body == nil {
					return a
				}
				mu.Lock()
				defer mu.Unlock()
				switch c.Operation {
				case "CreateIdentitySource", "UpdateIdentitySource":
					member := "configuration"
					if c.Operation == "UpdateIdentitySource" {
						member = "updateConfiguration"
					}
					if key, ok := identitySourceKey(body); ok {
						omitted[key] = claimOmitted(object(c.Input, member, "openIdConnectConfiguration", "tokenSelection"))
					}
				case "GetIdentitySource", "ListIdentitySources":
					changed := false
					for _, src := range identitySourceBodies(c.Operation, body) {
						key, ok := identitySourceKey(src)
						if !ok || !omitted[key] {
							continue
						}
						for _, kind := range []string{"accessTokenOnly", "identityTokenOnly"} {
							if sel := object(src, "configuration", "openIdConnectConfiguration", "tokenSelection", kind); sel != nil {
								delete(sel, "principalIdClaim")
								changed = true
							}
						}
					}
					if changed {
						a.setJSON(body)
					}
				}
				return a
			})(next)
		},
	}
}

// claimOmitted reports whether a token selection (nil for a Cognito
// configuration) left principalIdClaim out.
func claimOmitted(tokenSelection map[string]any) bool {
	for _, kind := range []string{"accessTokenOnly", "identityTokenOnly"} {
		if sel := object(tokenSelection, kind); sel != nil {
			_, has := sel["principalIdClaim"]
			return !has
		}
	}
	return false
}

// credentialRegion matches the region of a SigV4 credential scope.
var credentialRegion = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/`)

// requestRegion is the region a request was signed for, "us-east-1" when
// it cannot be told.
func requestRegion(r *http.Request) string {
	if m := credentialRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return "us-east-1"
}

// cognitoIssuerPrefix is how every Cognito issuer starts.
const cognitoIssuerPrefix = "https://cognito-idp."

func cognitoIssuerWrongRegion() Deviation {
	return Deviation{
		Name: "cognito-issuer-wrong-region",
		Description: "A Cognito configuration's issuer (and details.discoveryUrl) is derived with the region the request was signed for " +
			"instead of the user pool ARN's region.",
		Evidence: EvidenceDocs,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/IssuerDerivedFromUserPoolArn",
			"UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
		},
		Shows: `expected "https://cognito-idp\.eu-west-1\.amazonaws\.com/[^"]+", got "https://cognito-idp\.us-east-1\.amazonaws\.com/`,
		middleware: identitySourceRewrite(func(c *call, src map[string]any) bool {
			cognito := object(src, "configuration", "cognitoUserPoolConfiguration")
			if cognito == nil {
				return false
			}
			region := requestRegion(c.Request)
			changed := false
			for _, at := range []struct {
				m      map[string]any
				member string
			}{{cognito, "issuer"}, {object(src, "details"), "discoveryUrl"}} {
				issuer, ok := at.m[at.member].(string)
				if !ok || !strings.HasPrefix(issuer, cognitoIssuerPrefix) {
					continue
				}
				rest := strings.TrimPrefix(issuer, cognitoIssuerPrefix)
				i := strings.Index(rest, ".amazonaws.com/")
				if i < 0 {
					continue
				}
				if wrong := cognitoIssuerPrefix + region + rest[i:]; wrong != issuer {
					at.m[at.member] = wrong
					changed = true
				}
			}
			return changed
		}),
	}
}

// placeholderUserPoolArn is a user pool ARN matching the model's pattern,
// sent in place of one that does not.
const placeholderUserPoolArn = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconformPlaceholder"

// userPoolArnValid reports whether arn meets the model's UserPoolArn
// constraints, asking the project's schemas (one source of truth).
func userPoolArnValid(arn string) bool {
	doc, err := encodeObject(map[string]any{
		"policyStoreId": "vpconformcheck", "identitySourceId": "vpconformcheck",
		"updateConfiguration": map[string]any{"cognitoUserPoolConfiguration": map[string]any{"userPoolArn": arn}},
	})
	return err == nil && schemas.Validate("UpdateIdentitySource", schemas.Input, doc) == nil
}

// userPoolArnBreaksOnlyPattern reports whether arn has a length the model
// allows (1 to 255) and yet breaks its UserPoolArn constraints: the pattern.
func userPoolArnBreaksOnlyPattern(arn string) bool {
	n := utf8.RuneCountInString(arn)
	return n >= 1 && n <= 255 && !userPoolArnValid(arn)
}

func userPoolArnPatternNotEnforced() Deviation {
	return Deviation{
		Name: "user-pool-arn-pattern-not-enforced",
		Description: "CreateIdentitySource and UpdateIdentitySource accept a userPoolArn that does not match the model's pattern " +
			"(its length limits still hold), and GetIdentitySource then answers with it.",
		Evidence: EvidenceModel,
		DetectedBy: []string{
			"UpdateIdentitySource/Validation/MalformedUserPoolArn",
			"UpdateIdentitySource/Generated/updateConfiguration.cognitoUserPoolConfiguration.userPoolArn/pattern",
		},
		Shows: `expected HTTP 400 ValidationException, got HTTP 200`,
		middleware: func(next http.Handler) http.Handler {
			var mu sync.Mutex
			accepted := map[string]string{} // identity source key → the invalid userPoolArn it was given
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				switch c.Operation {
				case "CreateIdentitySource", "UpdateIdentitySource":
					member := "configuration"
					if c.Operation == "UpdateIdentitySource" {
						member = "updateConfiguration"
					}
					cognito := object(c.Input, member, "cognitoUserPoolConfiguration")
					arn, ok := cognito["userPoolArn"].(string)
					if !ok {
						return c.forward(next)
					}
					valid := !userPoolArnBreaksOnlyPattern(arn)
					var a *answer
					if valid {
						a = c.forward(next)
					} else {
						cognito["userPoolArn"] = placeholderUserPoolArn
						body, err := encodeObject(c.Input)
						if err != nil {
							return c.forward(next)
						}
						a = c.send(next, body)
					}
					if !a.ok() {
						return a
					}
					if key, ok := identitySourceKey(a.json()); ok {
						mu.Lock()
						if valid {
							delete(accepted, key)
						} else {
							accepted[key] = arn
						}
						mu.Unlock()
					}
					return a
				case "GetIdentitySource", "ListIdentitySources":
					a := c.forward(next)
					body := a.json()
					if !a.ok() || body == nil {
						return a
					}
					mu.Lock()
					defer mu.Unlock()
					changed := false
					for _, src := range identitySourceBodies(c.Operation, body) {
						key, ok := identitySourceKey(src)
						if !ok || accepted[key] == "" {
							continue
						}
						for _, m := range []map[string]any{object(src, "configuration", "cognitoUserPoolConfiguration"), object(src, "details")} {
							if _, has := m["userPoolArn"]; has {
								m["userPoolArn"] = accepted[key]
								changed = true
							}
						}
					}
					if changed {
						a.setJSON(body)
					}
					return a
				}
				return c.forward(next)
			})(next)
		},
	}
}

// identitySourceRewrite builds a middleware that lets edit change each
// identity source of every successful GetIdentitySource and
// ListIdentitySources answer; edit reports whether it changed it.
func identitySourceRewrite(edit func(c *call, src map[string]any) bool) func(http.Handler) http.Handler {
	return jsonAnswerRewrite(func(c *call, a *answer, body map[string]any) bool {
		if !a.ok() {
			return false
		}
		changed := false
		for _, src := range identitySourceBodies(c.Operation, body) {
			changed = edit(c, src) || changed
		}
		return changed
	})
}
