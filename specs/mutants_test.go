package specs

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// A mutant is the bundled fake with one behaviour broken; every scenario in
// mustFail aims at that behaviour and must fail against it.
type mutant struct {
	name     string
	wrap     func(next http.Handler) http.Handler
	mustFail []string
}

// rewriteAnswers passes requests to next and lets edit change the decoded
// JSON answer of operation op (and its status) before it is sent on.
func rewriteAnswers(edit func(op string, status int, body map[string]any) int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			status, raw := rec.Code, rec.Body.Bytes()
			body, err := decodeJSONObject(raw)
			if err == nil {
				status = edit(schemas.OperationFromTarget(r.Header.Get("X-Amz-Target")), status, body)
				raw, _ = json.Marshal(body)
			}
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(status)
			_, _ = w.Write(raw)
		})
	}
}

// editAt applies f to the object at a dotted path, when it is there.
func editAt(body map[string]any, path string, f func(map[string]any)) {
	if v, ok := lookup(body, path); ok {
		if m, ok := v.(map[string]any); ok {
			f(m)
		}
	}
}

// ignoreUpdates answers every well-formed UpdateIdentitySource with the four
// members of the source as it is, changing nothing.
func ignoreUpdates(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if schemas.OperationFromTarget(r.Header.Get("X-Amz-Target")) != "UpdateIdentitySource" {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if schemas.Validate("UpdateIdentitySource", schemas.Input, body) != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		get, _ := json.Marshal(map[string]any{"policyStoreId": in["policyStoreId"], "identitySourceId": in["identitySourceId"]})
		r2 := r.Clone(r.Context())
		r2.Header.Set("X-Amz-Target", schemas.TargetPrefix+"GetIdentitySource")
		r2.Body = io.NopCloser(bytes.NewReader(get))
		r2.ContentLength = int64(len(get))
		rewriteAnswers(func(_ string, status int, out map[string]any) int {
			for k := range out {
				switch k {
				case "createdDate", "identitySourceId", "lastUpdatedDate", "policyStoreId", "__type", "message", "resourceId", "resourceType":
				default:
					delete(out, k)
				}
			}
			return status
		})(next).ServeHTTP(w, r2)
	})
}

// ignoreDeletes answers DeleteIdentitySource with success, deleting nothing.
func ignoreDeletes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if schemas.OperationFromTarget(r.Header.Get("X-Amz-Target")) == "DeleteIdentitySource" {
			w.Header().Set("Content-Type", schemas.ContentType)
			_, _ = w.Write([]byte(`{}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func catalogueIDs(contains string, except ...string) []string {
	var out []string
	for _, sc := range Catalogue() {
		if strings.Contains(sc.ID, contains) && !strings.Contains(strings.Join(except, " "), sc.ID) {
			out = append(out, sc.ID)
		}
	}
	return out
}

var mutants = []mutant{
	{
		name: "derives the Cognito issuer from the target's region",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			editAt(body, "configuration.cognitoUserPoolConfiguration", func(c map[string]any) {
				if iss, ok := c["issuer"].(string); ok {
					c["issuer"] = "https://cognito-idp.us-east-1.amazonaws.com/" + iss[strings.LastIndex(iss, "/")+1:]
				}
			})
			return status
		}),
		mustFail: []string{"GetIdentitySource/Cognito/IssuerDerivedFromUserPoolArn", "UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows"},
	},
	{
		name: "omits an empty clientIds",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			editAt(body, "configuration.cognitoUserPoolConfiguration", func(c map[string]any) {
				if l, ok := c["clientIds"].([]any); ok && len(l) == 0 {
					delete(c, "clientIds")
				}
			})
			return status
		}),
		mustFail: catalogueIDs("ClientIdsOmittedGivesEmptyList"),
	},
	{
		name: "leaves out a defaulted principalIdClaim",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			for _, sel := range []string{"accessTokenOnly", "identityTokenOnly"} {
				editAt(body, "configuration.openIdConnectConfiguration.tokenSelection."+sel, func(c map[string]any) {
					if c["principalIdClaim"] == "sub" {
						delete(c, "principalIdClaim")
					}
				})
			}
			return status
		}),
		mustFail: catalogueIDs("PrincipalIdClaimDefaultsToSub"),
	},
	{
		name: "names an identity source for an unknown policy store",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if body["resourceType"] == "POLICY_STORE" {
				body["resourceType"] = "IDENTITY_SOURCE"
			}
			return status
		}),
		mustFail: catalogueIDs("NotFound/UnknownPolicyStore"),
	},
	{
		name: "answers ResourceNotFoundException with 400",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if status == 404 {
				return 400
			}
			return status
		}),
		mustFail: catalogueIDs("/NotFound/"),
	},
	{
		name: "echoes the configuration in UpdateIdentitySource's answer",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if op == "UpdateIdentitySource" && status == 200 {
				body["principalEntityType"] = "AWS::Cognito"
			}
			return status
		}),
		mustFail: []string{"UpdateIdentitySource/Output/ExactlyFourMembers"},
	},
	{
		name: "ignores updates",
		wrap: ignoreUpdates,
		mustFail: []string{
			"UpdateIdentitySource/Cognito/ReplaceClientIds", "UpdateIdentitySource/Cognito/ChangeUserPoolIssuerFollows",
			"UpdateIdentitySource/Cognito/AddGroupConfiguration", "UpdateIdentitySource/Cognito/DropGroupConfiguration",
			"UpdateIdentitySource/Cognito/ClientIdsOmittedGivesEmptyList",
			"UpdateIdentitySource/Switch/CognitoToOIDC", "UpdateIdentitySource/Switch/OIDCToCognito",
			"UpdateIdentitySource/OIDC/AccessTokenToIdentityToken", "UpdateIdentitySource/OIDC/PrincipalIdClaimDefaultsToSub",
			"UpdateIdentitySource/PrincipalEntityType/Given", "UpdateIdentitySource/PrincipalEntityType/Omitted",
			"UpdateIdentitySource/Dates/CreatedDateKept", "UpdateIdentitySource/Dates/LastUpdatedDateAdvances",
			"UpdateIdentitySource/Idempotent/SameUpdateTwice",
		},
	},
	{
		name: "freezes lastUpdatedDate at createdDate",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if c, ok := body["createdDate"]; ok {
				body["lastUpdatedDate"] = c
			}
			return status
		}),
		mustFail: []string{"UpdateIdentitySource/Dates/LastUpdatedDateAdvances"},
	},
	{
		name: "keeps createdDate moving with lastUpdatedDate",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if c, ok := body["lastUpdatedDate"]; ok {
				body["createdDate"] = c
			}
			return status
		}),
		mustFail: []string{"UpdateIdentitySource/Dates/CreatedDateKept"},
	},
	{
		name: "drops the deprecated details",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			delete(body, "details")
			return status
		}),
		mustFail: []string{"GetIdentitySource/Cognito/Details"},
	},
	{
		name: "gives details to an OpenID Connect source",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if _, ok := lookup(body, "configuration.openIdConnectConfiguration"); ok {
				body["details"] = map[string]any{"openIdIssuer": "COGNITO"}
			}
			return status
		}),
		mustFail: []string{"GetIdentitySource/OIDC/NoDetails", "UpdateIdentitySource/Switch/CognitoToOIDC"},
	},
	{
		name: "defaults principalEntityType to something else",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if body["principalEntityType"] == "AWS::Cognito" {
				body["principalEntityType"] = "Cognito::User"
			}
			return status
		}),
		mustFail: []string{"GetIdentitySource/Cognito/DefaultPrincipalEntityType", "UpdateIdentitySource/PrincipalEntityType/Omitted"},
	},
	{
		name:     "does not delete identity sources",
		wrap:     ignoreDeletes,
		mustFail: []string{"GetIdentitySource/NotFound/AfterDeleteIdentitySource"},
	},
	{
		name: "answers ValidationException with an empty fieldList",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if _, ok := body["fieldList"]; ok {
				body["fieldList"] = []any{}
			}
			return status
		}),
		mustFail: append(catalogueIDs("/Validation/", "UpdateIdentitySource/Validation/MalformedBody"), catalogueIDs("/Generated/")...),
	},
	{
		name: "answers a malformed body with ValidationException",
		wrap: rewriteAnswers(func(op string, status int, body map[string]any) int {
			if body["__type"] == "SerializationException" {
				body["__type"] = "ValidationException"
			}
			return status
		}),
		mustFail: []string{"UpdateIdentitySource/Validation/MalformedBody"},
	},
}

var _ = Describe("scenarios against mutants of the fake", func() {
	byID := map[string]Scenario{}
	for _, sc := range Catalogue() {
		byID[sc.ID] = sc
	}
	for _, m := range mutants {
		Describe("a fake that "+m.name, func() {
			var target Target
			BeforeEach(func() {
				srv := fake.NewServer(fake.WithoutListener())
				DeferCleanup(srv.Close)
				target = wrongTarget(m.wrap(srv.Handler()))
			})
			It("is caught by some scenario", func() {
				Expect(m.mustFail).NotTo(BeEmpty())
			})
			for _, id := range m.mustFail {
				It("fails "+id, func(ctx SpecContext) {
					sc, ok := byID[id]
					Expect(ok).To(BeTrue(), "no scenario %s", id)
					Expect(runScenario(ctx, target, sc)).NotTo(BeEmpty(), "%s passed against a fake that %s", id, m.name)
				})
			}
		})
	}

	It("while the unmutated fake passes every scenario", func(ctx SpecContext) {
		allowed := fake.Credential{AccessKeyID: "AKIDVPCONFORMALLOWED", SecretAccessKey: "allowed-secret", Allow: []string{"verifiedpermissions:*"}}
		denied := fake.Credential{AccessKeyID: "AKIDVPCONFORMDENIED", SecretAccessKey: "denied-secret", Allow: []string{"verifiedpermissions:ListIdentitySources"}}
		srv := fake.NewServer(fake.WithoutListener(), fake.WithCredentials(allowed, denied))
		DeferCleanup(srv.Close)
		target := wrongTarget(srv.Handler())
		target.AWSConfig.Credentials = credentials.NewStaticCredentialsProvider(allowed.AccessKeyID, allowed.SecretAccessKey, "")
		deniedCfg := target.AWSConfig.Copy()
		deniedCfg.Credentials = credentials.NewStaticCredentialsProvider(denied.AccessKeyID, denied.SecretAccessKey, "")
		target.DeniedAWSConfig = &deniedCfg
		target.Capabilities = Capabilities()
		for _, sc := range Catalogue() {
			Expect(runScenario(ctx, target, sc)).To(BeEmpty(), "%s against the fake", sc.ID)
		}
	})
})
