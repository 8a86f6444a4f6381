package deviations

import "net/http"

// Scenario ids of the catalogue that several deviations share.
var (
	// validationScenarios assert a ValidationException's fieldList.
	validationScenarios = []string{
		"GetIdentitySource/Validation/IdentitySourceId/BadCharacters",
		"GetIdentitySource/Validation/IdentitySourceId/Empty",
		"GetIdentitySource/Validation/IdentitySourceId/TooLong",
		"GetIdentitySource/Validation/MissingIdentitySourceId",
		"GetIdentitySource/Validation/PolicyStoreId/BadCharacters",
		"GetIdentitySource/Validation/PolicyStoreId/Empty",
		"GetIdentitySource/Validation/PolicyStoreId/TooLong",
		"UpdateIdentitySource/Validation/BothUnionMembers",
		"UpdateIdentitySource/Validation/EmptyAudiences",
		"UpdateIdentitySource/Validation/IdentitySourceIdTooLong",
		"UpdateIdentitySource/Validation/IssuerNotHTTPS",
		"UpdateIdentitySource/Validation/MalformedUserPoolArn",
		"UpdateIdentitySource/Validation/MissingTokenSelection",
		"UpdateIdentitySource/Validation/MissingUpdateConfiguration",
		"UpdateIdentitySource/Validation/NoUnionMember",
		"UpdateIdentitySource/Validation/PolicyStoreIdBadCharacters",
		"UpdateIdentitySource/Validation/TooManyClientIds",
	}
	// notFoundScenarios expect a ResourceNotFoundException.
	notFoundScenarios = []string{
		"GetIdentitySource/NotFound/AfterDeleteIdentitySource",
		"GetIdentitySource/NotFound/UnknownIdentitySource",
		"GetIdentitySource/NotFound/UnknownPolicyStore",
		"ListIdentitySources/NotFound/UnknownPolicyStore",
		"UpdateIdentitySource/NotFound/UnknownIdentitySource",
		"UpdateIdentitySource/NotFound/UnknownPolicyStore",
	}
)

// withIDs returns the concatenation of the id lists, as a new slice.
func withIDs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func validationExceptionWithoutFieldList() Deviation {
	return Deviation{
		Name:        "validation-exception-without-field-list",
		Description: "A ValidationException answer leaves out fieldList, so it does not name the member that broke a constraint.",
		Evidence:    EvidenceInferred, // fieldList is optional in the model; the kit holds it as advisory
		DetectedBy:  validationScenarios,
		Shows:       `ValidationException\.fieldList: expected a path \S+, got no fieldList path`,
		middleware: jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
			if a.errorShape() != "ValidationException" {
				return false
			}
			_, had := body["fieldList"]
			delete(body, "fieldList")
			return had
		}),
	}
}

func conflictExceptionWithoutResources() Deviation {
	return Deviation{
		Name:        "conflict-exception-without-resources",
		Description: "A ConflictException answer leaves out its required resources member.",
		Evidence:    EvidenceModel,
		DetectedBy: []string{
			"CreateIdentitySource/ClientToken/OtherInputConflict", // a real conflict: needs no fault injection
			"UpdateIdentitySource/Fault/ConflictException",
		},
		Shows: `ConflictException: expected its required member resources, got a body without it: \{.*"message"`,
		middleware: jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
			if a.errorShape() != "ConflictException" {
				return false
			}
			_, had := body["resources"]
			delete(body, "resources")
			return had
		}),
	}
}

func throttlingExceptionStatus400() Deviation {
	return Deviation{
		Name:        "throttling-exception-status-400",
		Description: "A ThrottlingException is answered with HTTP 400 instead of the model's 429.",
		Evidence:    EvidenceModel,
		DetectedBy: []string{
			"GetIdentitySource/Fault/ThrottlingException",
			"UpdateIdentitySource/Fault/ThrottlingException",
		},
		Shows: `expected HTTP 429 ThrottlingException, got HTTP 400 ThrottlingException`,
		middleware: answerRewrite(func(_ *call, a *answer) {
			if a.errorShape() == "ThrottlingException" {
				a.status = http.StatusBadRequest
			}
		}),
	}
}

func notFoundWrongResourceType() Deviation {
	return Deviation{
		Name:        "not-found-wrong-resource-type",
		Description: "A ResourceNotFoundException names the wrong resourceType: IDENTITY_SOURCE for a missing policy store and POLICY_STORE for a missing identity source.",
		Evidence:    EvidenceInferred,
		DetectedBy: withIDs(notFoundScenarios, []string{
			"GetIdentitySource/Fault/ResourceNotFoundException",
			"UpdateIdentitySource/Fault/ResourceNotFoundException",
		}),
		Shows: `resourceType: expected (IDENTITY_SOURCE|POLICY_STORE), got "?(POLICY_STORE|IDENTITY_SOURCE)`,
		middleware: jsonAnswerRewrite(func(_ *call, a *answer, body map[string]any) bool {
			if a.errorShape() != "ResourceNotFoundException" {
				return false
			}
			switch body["resourceType"] {
			case "POLICY_STORE":
				body["resourceType"] = "IDENTITY_SOURCE"
			case "IDENTITY_SOURCE":
				body["resourceType"] = "POLICY_STORE"
			default:
				return false
			}
			return true
		}),
	}
}

// errorTypeMissing strips both places an awsJson1_0 error names its shape.
// The protocol lets a server name it in the X-Amzn-ErrorType header, the
// body's __type or the body's code; a server that drops only __type but
// keeps the header is still a conforming awsJson1_0 server to every AWS
// SDK. Dropping both is the real deviation: no client can tell which error
// it got (the Go SDK reports an UnknownError), so retries, errors.As and
// error-code checks all break.
func errorTypeMissing() Deviation {
	return Deviation{
		Name:        "error-type-missing",
		Description: "An error answer names no error shape: __type is left out of the body and no X-Amzn-ErrorType header is sent.",
		Evidence:    EvidenceModel,
		DetectedBy: withIDs(validationScenarios, notFoundScenarios, []string{
			"CreateIdentitySource/ClientToken/OtherInputConflict",
			"CreateIdentitySource/Quota/SecondIdentitySource",
		}),
		Shows: `expected HTTP \d{3} \w+Exception, got HTTP \d{3} naming no error code`,
		middleware: answerRewrite(func(_ *call, a *answer) {
			if a.ok() {
				return
			}
			a.header.Del("X-Amzn-ErrorType")
			if m := a.json(); m != nil {
				if _, had := m["__type"]; had {
					delete(m, "__type")
					a.setJSON(m)
				}
			}
		}),
	}
}
