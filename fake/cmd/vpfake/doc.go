// Command vpfake runs the fake of the Amazon Verified Permissions
// identity-source API (package fake) as a standalone HTTP server, for
// clients that are not written in Go or that run in another process.
//
// Usage:
//
//	vpfake [-addr host:port] [-region name] [-account 12digits] [-seed n]
//
// Each flag defaults to an environment variable, and then to a built-in
// value: -addr VPFAKE_ADDR (127.0.0.1:4599), -region VPFAKE_REGION
// (us-east-1), -account VPFAKE_ACCOUNT (123456789012), -seed VPFAKE_SEED (0,
// random ids; any other value makes ids deterministic). A malformed flag or
// variable is reported and the command exits with status 2; a listener that
// cannot be opened exits with status 1.
//
// It prints "vpfake listening on http://<addr>" once it accepts requests,
// then logs one line per request to stderr (operation, status, duration).
// SIGINT or SIGTERM shuts it down gracefully, letting requests in flight
// finish.
//
// Point any AWS SDK at it with the endpoint URL http://<addr> and any
// credentials. GET /_vpfake/health reports readiness and POST /_vpfake/reset
// forgets all state.
package main
