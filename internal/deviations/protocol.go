package deviations

import "github.com/vpconform/vpconform/specs"

func unknownOutputMember() Deviation {
	return Deviation{
		Name:        "unknown-output-member",
		Description: "GetIdentitySource answers with a member the model does not define (vpconformEmulatorRevision).",
		Evidence:    specs.EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/AllMembers",
			"GetIdentitySource/OIDC/AccessTokenOnly",
			"GetIdentitySource/Dates/RFC3339Strings",
		},
		Shows: `expected a body conforming to \w+\.output\.schema\.json, got vpconformEmulatorRevision: additionalProperties: .*\(value 1\)`,
		middleware: successRewrite(func(c *call, body map[string]any) bool {
			if c.Operation != "GetIdentitySource" {
				return false
			}
			body["vpconformEmulatorRevision"] = 1
			return true
		}),
	}
}

func jsonContentType() Deviation {
	return Deviation{
		Name:        "json-content-type",
		Description: "Every API answer has Content-Type application/json instead of application/x-amz-json-1.0.",
		Evidence:    specs.EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/Cognito/AllMembers",
			"GetIdentitySource/NotFound/UnknownPolicyStore",
			"UpdateIdentitySource/Output/ExactlyFourMembers",
		},
		Shows: `expected Content-Type application/x-amz-json-1\.0, got "application/json"`,
		middleware: answerRewrite(func(_ *call, a *answer) {
			a.header.Set("Content-Type", "application/json")
		}),
	}
}
