package fake

// The request and response shapes of the operations the fake serves, as
// JSON-tagged Go structs. The awsJson1_0 layer decodes requests into the
// …Input types only after the body has passed its input schema, so the
// engine can rely on every required member being present and every
// constraint being met.

type validationSettings struct {
	Mode string `json:"mode"`
}

type encryptionSettings struct {
	KMS *struct {
		Key               string            `json:"key"`
		EncryptionContext map[string]string `json:"encryptionContext,omitempty"`
	} `json:"kmsEncryptionSettings,omitempty"`
	Default *struct{} `json:"default,omitempty"`
}

type kmsEncryptionState struct {
	Key               string            `json:"key"`
	EncryptionContext map[string]string `json:"encryptionContext"`
}

type encryptionState struct {
	KMS     *kmsEncryptionState `json:"kmsEncryptionState,omitempty"`
	Default *struct{}           `json:"default,omitempty"`
}

type createPolicyStoreInput struct {
	ClientToken        *string             `json:"clientToken,omitempty"`
	ValidationSettings validationSettings  `json:"validationSettings"`
	Description        *string             `json:"description,omitempty"`
	DeletionProtection *string             `json:"deletionProtection,omitempty"`
	EncryptionSettings *encryptionSettings `json:"encryptionSettings,omitempty"`
	Tags               map[string]string   `json:"tags,omitempty"`
}

type createPolicyStoreOutput struct {
	PolicyStoreID   string `json:"policyStoreId"`
	Arn             string `json:"arn"`
	CreatedDate     string `json:"createdDate"`
	LastUpdatedDate string `json:"lastUpdatedDate"`
}

type getPolicyStoreInput struct {
	PolicyStoreID string `json:"policyStoreId"`
	Tags          bool   `json:"tags,omitempty"`
}

// getPolicyStoreOutput is GetPolicyStore's output as the fake answers it.
type getPolicyStoreOutput = policyStoreOutput[*encryptionState]

// policyStoreOutput has the members of GetPolicyStore's output. E holds
// encryptionState: parsed in an answer, raw JSON in a policy store of a
// State, which is checked against the same output schema before it is
// parsed. CedarVersion is empty, and left out, only in the latter.
type policyStoreOutput[E any] struct {
	PolicyStoreID      string             `json:"policyStoreId"`
	Arn                string             `json:"arn"`
	ValidationSettings validationSettings `json:"validationSettings"`
	CreatedDate        string             `json:"createdDate"`
	LastUpdatedDate    string             `json:"lastUpdatedDate"`
	Description        *string            `json:"description,omitempty"`
	DeletionProtection string             `json:"deletionProtection"`
	CedarVersion       string             `json:"cedarVersion,omitempty"`
	EncryptionState    E                  `json:"encryptionState,omitempty"`
	Tags               map[string]string  `json:"tags,omitempty"`
}

type deletePolicyStoreInput struct {
	PolicyStoreID string `json:"policyStoreId"`
}

type emptyOutput struct{}

// Identity source configuration, input side. The same Go types serve
// Configuration and UpdateConfiguration, whose Update-prefixed shapes have
// identical members.

type cognitoGroupConfiguration struct {
	GroupEntityType string `json:"groupEntityType"`
}

type cognitoUserPoolConfiguration struct {
	UserPoolArn        string                     `json:"userPoolArn"`
	ClientIDs          []string                   `json:"clientIds,omitempty"`
	GroupConfiguration *cognitoGroupConfiguration `json:"groupConfiguration,omitempty"`
}

type openIDConnectGroupConfiguration struct {
	GroupClaim      string `json:"groupClaim"`
	GroupEntityType string `json:"groupEntityType"`
}

type openIDConnectAccessTokenConfiguration struct {
	PrincipalIDClaim *string  `json:"principalIdClaim,omitempty"`
	Audiences        []string `json:"audiences,omitempty"`
}

type openIDConnectIdentityTokenConfiguration struct {
	PrincipalIDClaim *string  `json:"principalIdClaim,omitempty"`
	ClientIDs        []string `json:"clientIds,omitempty"`
}

type openIDConnectTokenSelection struct {
	AccessTokenOnly   *openIDConnectAccessTokenConfiguration   `json:"accessTokenOnly,omitempty"`
	IdentityTokenOnly *openIDConnectIdentityTokenConfiguration `json:"identityTokenOnly,omitempty"`
}

type openIDConnectConfiguration struct {
	Issuer             string                           `json:"issuer"`
	EntityIDPrefix     *string                          `json:"entityIdPrefix,omitempty"`
	GroupConfiguration *openIDConnectGroupConfiguration `json:"groupConfiguration,omitempty"`
	TokenSelection     openIDConnectTokenSelection      `json:"tokenSelection"`
}

type configuration struct {
	Cognito *cognitoUserPoolConfiguration `json:"cognitoUserPoolConfiguration,omitempty"`
	OIDC    *openIDConnectConfiguration   `json:"openIdConnectConfiguration,omitempty"`
}

// Identity source configuration, output side (ConfigurationDetail and
// ConfigurationItem, which have the same members).

type cognitoUserPoolConfigurationDetail struct {
	UserPoolArn        string                     `json:"userPoolArn"`
	ClientIDs          []string                   `json:"clientIds"`
	Issuer             string                     `json:"issuer"`
	GroupConfiguration *cognitoGroupConfiguration `json:"groupConfiguration,omitempty"`
}

type configurationDetail struct {
	Cognito *cognitoUserPoolConfigurationDetail `json:"cognitoUserPoolConfiguration,omitempty"`
	OIDC    *openIDConnectConfiguration         `json:"openIdConnectConfiguration,omitempty"`
}

// identitySourceDetails is the deprecated "details" member, sent for Cognito
// identity sources only.
type identitySourceDetails struct {
	ClientIDs    []string `json:"clientIds"`
	UserPoolArn  string   `json:"userPoolArn"`
	DiscoveryURL string   `json:"discoveryUrl"`
	OpenIDIssuer string   `json:"openIdIssuer"`
}

type createIdentitySourceInput struct {
	ClientToken         *string       `json:"clientToken,omitempty"`
	PolicyStoreID       string        `json:"policyStoreId"`
	Configuration       configuration `json:"configuration"`
	PrincipalEntityType *string       `json:"principalEntityType,omitempty"`
}

// writeIdentitySourceOutput is the output of CreateIdentitySource and
// UpdateIdentitySource, which have the same members: the identity source's
// ids and dates.
type writeIdentitySourceOutput struct {
	CreatedDate      string `json:"createdDate"`
	IdentitySourceID string `json:"identitySourceId"`
	LastUpdatedDate  string `json:"lastUpdatedDate"`
	PolicyStoreID    string `json:"policyStoreId"`
}

type identitySourceRef struct {
	PolicyStoreID    string `json:"policyStoreId"`
	IdentitySourceID string `json:"identitySourceId"`
}

// identitySourceOutput is GetIdentitySource's output and a
// ListIdentitySources item.
type identitySourceOutput struct {
	CreatedDate         string                 `json:"createdDate"`
	Details             *identitySourceDetails `json:"details,omitempty"`
	IdentitySourceID    string                 `json:"identitySourceId"`
	LastUpdatedDate     string                 `json:"lastUpdatedDate"`
	PolicyStoreID       string                 `json:"policyStoreId"`
	PrincipalEntityType string                 `json:"principalEntityType"`
	Configuration       *configurationDetail   `json:"configuration,omitempty"`
}

type updateIdentitySourceInput struct {
	PolicyStoreID       string        `json:"policyStoreId"`
	IdentitySourceID    string        `json:"identitySourceId"`
	UpdateConfiguration configuration `json:"updateConfiguration"`
	PrincipalEntityType *string       `json:"principalEntityType,omitempty"`
}

type identitySourceFilter struct {
	PrincipalEntityType *string `json:"principalEntityType,omitempty"`
}

type listIdentitySourcesInput struct {
	PolicyStoreID string                 `json:"policyStoreId"`
	NextToken     *string                `json:"nextToken,omitempty"`
	MaxResults    *float64               `json:"maxResults,omitempty"`
	Filters       []identitySourceFilter `json:"filters,omitempty"`
}

type listIdentitySourcesOutput struct {
	IdentitySources []identitySourceOutput `json:"identitySources"`
	NextToken       *string                `json:"nextToken,omitempty"`
}
