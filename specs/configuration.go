package specs

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions"
	"github.com/aws/aws-sdk-go-v2/service/verifiedpermissions/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// cognitoIssuer is the issuer Verified Permissions derives from a Cognito user
// pool ARN: https://cognito-idp.<region of the ARN>.amazonaws.com/<pool id>.
// It returns "" when the ARN is not a user pool ARN.
func cognitoIssuer(userPoolArn string) string {
	parts := strings.SplitN(userPoolArn, ":", 6)
	if len(parts) != 6 || parts[2] != "cognito-idp" || parts[3] == "" {
		return ""
	}
	poolID, ok := strings.CutPrefix(parts[5], "userpool/")
	if !ok || poolID == "" {
		return ""
	}
	return "https://cognito-idp." + parts[3] + ".amazonaws.com/" + poolID
}

// discoveryURLs are the two forms of the deprecated details.discoveryUrl of
// a Cognito identity source that AWS documents: the issuer (every worked
// example, and the model's deprecation note) and the issuer followed by
// /.well-known/openid-configuration (the shape's prose). Either conforms.
func discoveryURLs(userPoolArn string) []string {
	issuer := cognitoIssuer(userPoolArn)
	return []string{issuer, issuer + "/.well-known/openid-configuration"}
}

// unorderedMembers are the lists whose order the service does not promise
// (the CloudFormation schema marks them insertionOrder false): compared as
// sets.
var unorderedMembers = map[string]bool{"clientIds": true, "audiences": true}

// unorderedLists returns a copy of a decoded JSON value with the lists of
// unorderedMembers sorted, so that two values equal as sets compare equal.
func unorderedLists(v any) any {
	return copyJSON(v, func(member string, l []any) {
		if unorderedMembers[member] {
			slices.SortFunc(l, func(a, b any) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		}
	})
}

// copyJSON returns a deep copy of a decoded JSON value; editList, when not
// nil, may change in place the copy of each list that is an object's
// member, after its items are copied.
func copyJSON(v any, editList func(member string, l []any)) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			x = copyJSON(x, editList)
			if l, ok := x.([]any); ok && editList != nil {
				editList(k, l)
			}
			out[k] = x
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = copyJSON(x, editList)
		}
		return out
	default:
		return v
	}
}

// cognitoDetail returns the Cognito configuration of a GetIdentitySource
// output, or an error naming what the output holds instead.
func cognitoDetail(out *verifiedpermissions.GetIdentitySourceOutput) (types.CognitoUserPoolConfigurationDetail, error) {
	if c, ok := out.Configuration.(*types.ConfigurationDetailMemberCognitoUserPoolConfiguration); ok {
		return c.Value, nil
	}
	return types.CognitoUserPoolConfigurationDetail{}, fmt.Errorf("configuration: expected cognitoUserPoolConfiguration, got %s", configurationKind(out.Configuration))
}

// oidcDetail returns the OpenID Connect configuration of a GetIdentitySource
// output, or an error naming what the output holds instead.
func oidcDetail(out *verifiedpermissions.GetIdentitySourceOutput) (types.OpenIdConnectConfigurationDetail, error) {
	if c, ok := out.Configuration.(*types.ConfigurationDetailMemberOpenIdConnectConfiguration); ok {
		return c.Value, nil
	}
	return types.OpenIdConnectConfigurationDetail{}, fmt.Errorf("configuration: expected openIdConnectConfiguration, got %s", configurationKind(out.Configuration))
}

// expectDetail returns the configuration of a GetIdentitySource output as
// detail (cognitoDetail, oidcDetail) reads it, and fails the spec with
// detail's error when the output holds another kind.
func expectDetail[T any](detail func(*verifiedpermissions.GetIdentitySourceOutput) (T, error), out *verifiedpermissions.GetIdentitySourceOutput) T {
	GinkgoHelper()
	c, err := detail(out)
	Expect(err).NotTo(HaveOccurred())
	return c
}

// expectTokenSelection returns the token selection of an OpenID Connect
// configuration as T, the detail of the kind named (accessTokenOnly,
// identityTokenOnly), and fails the spec when it is another.
func expectTokenSelection[T types.OpenIdConnectTokenSelectionDetail](c types.OpenIdConnectConfigurationDetail, kind string) T {
	GinkgoHelper()
	sel, ok := c.TokenSelection.(T)
	if !ok {
		failWith("", fmt.Sprintf("tokenSelection: expected %s, got %s", kind, jsonText(c.TokenSelection)))
	}
	return sel
}

func configurationKind(c types.ConfigurationDetail) string {
	switch c.(type) {
	case nil:
		return "absent"
	case *types.ConfigurationDetailMemberCognitoUserPoolConfiguration:
		return "cognitoUserPoolConfiguration"
	case *types.ConfigurationDetailMemberOpenIdConnectConfiguration:
		return "openIdConnectConfiguration"
	default:
		return fmt.Sprintf("an unknown union member (%T)", c)
	}
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// unknownID returns a well-formed id (22 base62 characters, starting with
// "VPCx") that no target will have issued. It is derived from the scenario
// id and the session's counter, so the same scenario sends the same made-up
// ids in every run.
func (s *session) unknownID() string {
	sum := sha256.Sum256([]byte(s.scenario.ID + "#" + strconv.Itoa(s.next())))
	var b strings.Builder
	b.WriteString("VPCx")
	for i := 0; b.Len() < 22; i++ {
		b.WriteByte(base62[int(sum[i])%len(base62)])
	}
	return b.String()
}

// manyClientIDs returns n distinct well-formed client ids.
func manyClientIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("client%020d", i)
	}
	return ids
}
