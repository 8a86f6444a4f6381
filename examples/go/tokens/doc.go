// Package tokens is an example: a Go test that authorizes a token through
// an identity source of the fake, then sees UpdateIdentitySource take the
// token's client away. The README copies authorize_test.go.
package tokens
