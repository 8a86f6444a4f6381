package deviations

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func timestampsDigits(digits int) Variant {
	layout := "2006-01-02T15:04:05Z07:00"
	precision := "no fractional seconds"
	if digits > 0 {
		layout = "2006-01-02T15:04:05." + strings.Repeat("0", digits) + "Z07:00"
		precision = fmt.Sprintf("exactly %d fractional-second digits (truncated or zero-padded)", digits)
	}
	return Variant{
		Name:        fmt.Sprintf("timestamps-%d-digits", digits),
		Description: "Every createdDate and lastUpdatedDate is rendered in UTC with a Z and " + precision + ".",
		Allowed: "The model's TimestampFormat is an RFC 3339 date-time, which allows any number of fractional-second digits " +
			"(the model's own examples have 2, 5 and 6).",
		middleware: jsonAnswerRewrite(func(_ *call, _ *answer, body map[string]any) bool {
			// Go's time formatting truncates fractional seconds.
			return rewriteDates(body, func(t time.Time) any { return t.UTC().Format(layout) })
		}),
	}
}

func unorderedLists() Variant {
	return Variant{
		Name: "unordered-lists",
		Description: "GetIdentitySource and ListIdentitySources answer with each clientIds and audiences list, " +
			"in the configuration and in details, in reverse order.",
		Allowed: "The service promises no order for ClientIds and Audiences (AWS's own CloudFormation schema marks them " +
			"insertionOrder false), so a client must compare them as sets.",
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			changed := false
			oidc := object(src, "configuration", "openIdConnectConfiguration", "tokenSelection")
			for _, at := range []struct {
				m      map[string]any
				member string
			}{
				{object(src, "configuration", "cognitoUserPoolConfiguration"), "clientIds"},
				{object(oidc, "identityTokenOnly"), "clientIds"},
				{object(oidc, "accessTokenOnly"), "audiences"},
				{object(src, "details"), "clientIds"},
			} {
				if list, ok := at.m[at.member].([]any); ok && len(list) > 1 {
					slices.Reverse(list)
					changed = true
				}
			}
			return changed
		}),
	}
}

// wellKnownPath is the path of an OpenID Connect discovery document below
// its issuer.
const wellKnownPath = "/.well-known/openid-configuration"

func discoveryURLWellKnown() Variant {
	return Variant{
		Name: "discovery-url-well-known",
		Description: "A Cognito identity source's details.discoveryUrl is the issuer followed by " + wellKnownPath +
			" instead of the issuer itself.",
		Allowed: "The documentation of IdentitySourceDetails.discoveryUrl (the seed's prose) gives it as " +
			"https://cognito-idp.<region>.amazonaws.com/<user-pool-id>/.well-known/openid-configuration, while its examples give the issuer; either documented form conforms.",
		middleware: identitySourceRewrite(func(_ *call, src map[string]any) bool {
			details := object(src, "details")
			url, ok := details["discoveryUrl"].(string)
			if !ok || url == "" || strings.HasSuffix(url, wellKnownPath) {
				return false
			}
			if object(src, "configuration", "cognitoUserPoolConfiguration") == nil && details["openIdIssuer"] != "COGNITO" {
				return false
			}
			details["discoveryUrl"] = strings.TrimSuffix(url, "/") + wellKnownPath
			return true
		}),
	}
}

func listItemsWithoutConfiguration() Variant {
	return Variant{
		Name:        "list-items-without-configuration",
		Description: "ListIdentitySources answers with items that carry no configuration member.",
		Allowed:     "IdentitySourceItem.configuration is optional in the model.",
		middleware: identitySourceRewrite(func(c *call, src map[string]any) bool {
			if c.Operation != "ListIdentitySources" {
				return false
			}
			_, had := src["configuration"]
			delete(src, "configuration")
			return had
		}),
	}
}
