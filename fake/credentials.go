package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Credential is an access key the server accepts when it verifies signatures
// (WithCredentials), and the IAM actions it allows. Its JSON members,
// accessKeyId, secretAccessKey, sessionToken, principal and allow, are
// those of an entry of cmd/vpfake's credentials file (ParseCredentials).
type Credential struct {
	// AccessKeyID and SecretAccessKey are the key pair requests are signed
	// with.
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// SessionToken, when set, makes the credential temporary: every request
	// must then carry it in X-Amz-Security-Token. When empty, a request
	// that sends an X-Amz-Security-Token is refused. Either way the refusal
	// is UnrecognizedClientException, "The security token included in the
	// request is invalid."
	SessionToken string `json:"sessionToken,omitempty"`
	// Principal is the caller's ARN, named in AccessDeniedException
	// messages. The default is "arn:aws:iam::<account>:user/<AccessKeyID>".
	Principal string `json:"principal,omitempty"`
	// Allow lists the IAM actions the credential may perform, such as
	// "verifiedpermissions:GetIdentitySource", "verifiedpermissions:Get*",
	// "verifiedpermissions:*" or "*". As in IAM policies, actions match
	// case-insensitively and "*" and "?" are wildcards. Empty allows
	// nothing: every call is denied.
	Allow []string `json:"allow,omitempty"`
}

// allows reports whether the credential may perform action.
func (c Credential) allows(action string) bool {
	for _, pattern := range c.Allow {
		if wildcardMatch(strings.ToLower(pattern), strings.ToLower(action)) {
			return true
		}
	}
	return false
}

// principal is the caller's ARN.
func (c Credential) principal(account string) string {
	if c.Principal != "" {
		return c.Principal
	}
	return defaultPrincipal(account, c.AccessKeyID)
}

func defaultPrincipal(account, accessKeyID string) string {
	return fmt.Sprintf("arn:aws:iam::%s:user/%s", account, accessKeyID)
}

// wildcardMatch matches s against an IAM-style pattern where "*" is any run
// of characters and "?" any one character.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// checkCredentials reports what makes a list of credentials unusable, for
// WithCredentials and ParseCredentials alike: an empty list, an empty key or
// secret, or an access key id given twice. Credentials are counted from 0
// and named by their JSON members, which are also the credentials file's.
func checkCredentials(creds []Credential) error {
	if len(creds) == 0 {
		return errors.New("no credentials: give at least one")
	}
	seen := map[string]bool{}
	for i, c := range creds {
		switch {
		case c.AccessKeyID == "":
			return fmt.Errorf("credential %d has no accessKeyId", i)
		case c.SecretAccessKey == "":
			return fmt.Errorf("credential %d (%s) has no secretAccessKey", i, c.AccessKeyID)
		case seen[c.AccessKeyID]:
			return fmt.Errorf("credential %d: accessKeyId %s is given twice", i, c.AccessKeyID)
		}
		seen[c.AccessKeyID] = true
	}
	return nil
}

// ParseCredentials reads a list of credentials from JSON, such as
// cmd/vpfake's credentials file: an array of objects with the members of
// Credential (accessKeyId, secretAccessKey, sessionToken, principal,
// allow), strictly (an unknown member, or anything after the array, is
// refused), and checks them as WithCredentials does: at least one, each
// with an access key id and a secret, no access key id twice.
func ParseCredentials(b []byte) ([]Credential, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var creds []Credential
	if err := dec.Decode(&creds); err != nil {
		return nil, fmt.Errorf("not a JSON array of {accessKeyId, secretAccessKey, sessionToken, principal, allow}: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON array of credentials")
	}
	if err := checkCredentials(creds); err != nil {
		return nil, err
	}
	return creds, nil
}
