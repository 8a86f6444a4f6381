// Code generated from the Verified Permissions service model; DO NOT EDIT.

package fake

// modelOperations lists, sorted, every operation of the Verified Permissions
// API (2021-12-01), as named after "VerifiedPermissions." in X-Amz-Target.
// An operation here that the fake does not serve answers
// NotImplementedException (501); any other name UnknownOperationException.
//
// Source: the keys of "operations" in botocore's
// botocore/data/verifiedpermissions/2021-12-01/service-2.json (boto/botocore
// at commit 0e6e2404b85dc336dd2889814e089bde7d1a4c55, file last changed in
// 656fd57082823142d4a7584a8d09fc53aa419614, "Update to latest models",
// 2026-05-21), read once and written here; TestModelOperations checks the
// list against the AWS SDK for Go v2 client and the project's schemas.
var modelOperations = []string{
	"BatchGetPolicy",
	"BatchIsAuthorized",
	"BatchIsAuthorizedWithToken",
	"CreateIdentitySource",
	"CreatePolicy",
	"CreatePolicyStore",
	"CreatePolicyStoreAlias",
	"CreatePolicyTemplate",
	"DeleteIdentitySource",
	"DeletePolicy",
	"DeletePolicyStore",
	"DeletePolicyStoreAlias",
	"DeletePolicyTemplate",
	"GetIdentitySource",
	"GetPolicy",
	"GetPolicyStore",
	"GetPolicyStoreAlias",
	"GetPolicyTemplate",
	"GetSchema",
	"IsAuthorized",
	"IsAuthorizedWithToken",
	"ListIdentitySources",
	"ListPolicies",
	"ListPolicyStoreAliases",
	"ListPolicyStores",
	"ListPolicyTemplates",
	"ListTagsForResource",
	"PutSchema",
	"TagResource",
	"UntagResource",
	"UpdateIdentitySource",
	"UpdatePolicy",
	"UpdatePolicyStore",
	"UpdatePolicyTemplate",
}
