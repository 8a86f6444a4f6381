package deviations

import (
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/vpconform/vpconform/schemas"
	"github.com/vpconform/vpconform/specs"
)

func cognitoDetailsMissing() Deviation {
	return Deviation{
		Name:        "cognito-details-missing",
		Description: "GetIdentitySource and ListIdentitySources leave out the deprecated details member for a Cognito identity source.",
		Evidence:    specs.EvidenceInferred,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/Details",
			"UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
		},
		Shows: `details: expected the deprecated details of a Cognito identity source, got none`,
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			return object(src, "configuration", "cognitoUserPoolConfiguration") != nil && dropMember(src, "details")
		}),
	}
}

func oidcSourceHasDetails() Deviation {
	return Deviation{
		Name:        "oidc-source-has-details",
		Description: "GetIdentitySource and ListIdentitySources send the Cognito-only deprecated details for an OpenID Connect identity source too, with discoveryUrl the issuer.",
		Evidence:    specs.EvidenceInferred,
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
		Evidence:    specs.EvidenceObserved,
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
		Evidence:    specs.EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/OIDC/AccessTokenPrincipalIdClaimDefaultsToSub",
			"GetIdentitySource/OIDC/IdentityTokenPrincipalIdClaimDefaultsToSub",
			"UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
		},
		Shows: `principalIdClaim: expected "sub", got no such member`,
		middleware: writeMemory(
			// Remembered: its token selection came without principalIdClaim.
			func(c *call, _ *answer) (bool, bool) {
				return claimOmitted(object(c.configuration(), "openIdConnectConfiguration", "tokenSelection")), true
			},
			func(src map[string]any, omitted bool) bool {
				changed := false
				for _, kind := range tokenSelections {
					if sel := object(src, "configuration", "openIdConnectConfiguration", "tokenSelection", kind); omitted && sel != nil {
						changed = dropMember(sel, "principalIdClaim") || changed
					}
				}
				return changed
			}),
	}
}

// defaultPrincipalEntityType is the principalEntityType an identity
// source created or updated without one gets, and wrongPrincipalEntityType
// the one principal-entity-type-wrong-default gives it instead.
const (
	defaultPrincipalEntityType = "AWS::Cognito"
	wrongPrincipalEntityType   = "Cognito::User"
)

func principalEntityTypeWrongDefault() Deviation {
	return Deviation{
		Name: "principal-entity-type-wrong-default",
		Description: "An identity source created or updated without principalEntityType is answered with " + wrongPrincipalEntityType +
			" instead of the default " + defaultPrincipalEntityType + ".",
		Evidence: specs.EvidenceDocs,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/DefaultPrincipalEntityType",
			"UpdateIdentitySource/PrincipalEntityType/Omitted",
		},
		Shows: `principalEntityType[^:]*: expected "?AWS::Cognito"?, got "Cognito::User"`,
		middleware: writeMemory(
			// Remembered: it was written without principalEntityType.
			func(c *call, _ *answer) (bool, bool) {
				_, given := c.Input["principalEntityType"]
				return !given, true
			},
			func(src map[string]any, omitted bool) bool {
				if !omitted || src["principalEntityType"] != defaultPrincipalEntityType {
					return false
				}
				src["principalEntityType"] = wrongPrincipalEntityType
				return true
			}),
	}
}

// tokenSelections are the members of an OpenID Connect token selection.
var tokenSelections = []string{"accessTokenOnly", "identityTokenOnly"}

// claimOmitted reports whether a token selection (nil for a Cognito
// configuration) left principalIdClaim out.
func claimOmitted(tokenSelection map[string]any) bool {
	for _, kind := range tokenSelections {
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
		Evidence: specs.EvidenceDocs,
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
		Evidence: specs.EvidenceModel,
		DetectedBy: []string{
			"UpdateIdentitySource/Validation/MalformedUserPoolArn",
			"UpdateIdentitySource/Generated/updateConfiguration.cognitoUserPoolConfiguration.userPoolArn/pattern",
		},
		Shows: `expected HTTP 400 ValidationException, got HTTP 200`,
		middleware: func(next http.Handler) http.Handler {
			accepted := newSourceMemory[string]() // the invalid userPoolArn it was given, "" for a valid one
			return apiMiddleware(func(next http.Handler, c *call) *answer {
				cognito := object(c.configuration(), "cognitoUserPoolConfiguration")
				arn, given := cognito["userPoolArn"].(string)
				send := c.forward
				if given && userPoolArnBreaksOnlyPattern(arn) {
					// Store a valid ARN in its place, and answer with it.
					cognito["userPoolArn"] = placeholderUserPoolArn
					if body, err := encodeObject(c.Input); err == nil {
						send = func(next http.Handler) *answer { return c.send(next, body) }
					}
				} else {
					arn = ""
				}
				a := send(next)
				if key, ok := c.written(a); ok && given {
					accepted.remember(key, arn)
				}
				return accepted.rewrite(c, a, func(src map[string]any, arn string) bool {
					changed := false
					for _, m := range []map[string]any{object(src, "configuration", "cognitoUserPoolConfiguration"), object(src, "details")} {
						if _, has := m["userPoolArn"]; has && arn != "" {
							m["userPoolArn"] = arn
							changed = true
						}
					}
					return changed
				})
			})(next)
		},
	}
}

// identitySourceRewrite builds a middleware that lets edit change each
// identity source of every successful GetIdentitySource and
// ListIdentitySources answer; edit reports whether it changed it.
func identitySourceRewrite(edit func(c *call, src map[string]any) bool) func(http.Handler) http.Handler {
	return successRewrite(func(c *call, body map[string]any) bool {
		changed := false
		for _, src := range identitySourceBodies(c.Operation, body) {
			changed = edit(c, src) || changed
		}
		return changed
	})
}
