// Package mycode is the README's example of the fake in a Go test: a test
// of your own code that talks to Verified Permissions through the AWS SDK
// for Go v2, served in-process by fake.NewServer.
package mycode
