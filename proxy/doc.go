// Package proxy is a validating, redacting, recording HTTP proxy for the
// Amazon Verified Permissions identity-source API: an http.Handler that
// sits between any application and any endpoint (an emulator, or AWS's
// regional endpoint https://verifiedpermissions.<region>.amazonaws.com)
// and checks every exchange against the API's schemas while the
// application runs as usual.
//
// # Forwarding
//
// Every request is forwarded to Config.Upstream (its path appended to the
// upstream's), and the upstream's answer goes back to the client
// unchanged: status, headers (but the hop-by-hop ones) and body. When
// Go's transport asked for and undid a gzip encoding the client had not
// asked for, the client gets the plain body; an encoding the client asked
// for is passed on as is, and only the copy that is checked and recorded is
// decoded. A request the upstream does not answer gets HTTP 502 from the
// proxy, in plain text, and is neither checked nor recorded.
//
// With Config.Credentials set, the proxy signs every request again, with
// SigV4 for service verifiedpermissions and Config.Region, the payload hash
// computed over the body as forwarded, by aws-sdk-go-v2's own signer. The
// client's Authorization, X-Amz-Date, X-Amz-Security-Token and
// X-Amz-Content-Sha256 headers (and presigning query parameters) are
// removed first, so the client's credentials never reach the upstream: the
// application can run with any dummy credentials. Without Credentials the
// request is forwarded as the client signed it, which suits an emulator
// that does not verify signatures (the client signed for the proxy's host,
// not the upstream's).
//
// # Checking
//
// An API request is a POST with an X-Amz-Target naming a
// VerifiedPermissions operation, outside the control routes of a fake
// (fixtures.IsControl). For each, the request body is validated against
// the operation's input schema and the answer against its output schema,
// or, for an error, against the error shape it names (schemas.Exchange's
// CheckRequest and CheckResponse). Each broken constraint is a Finding,
// logged on one line at level WARN with the exchange's number, the
// operation, the direction (request or response), the member's path in
// the dotted form of a ValidationException's fieldList (schemas
// Violation.Path), its JSON pointer, the schema keyword and the
// validator's message. An operation the kit has no schema for is
// forwarded and recorded but not checked. Other requests (control routes,
// anything without X-Amz-Target) pass through unchecked and unrecorded.
//
// # Recording
//
// With Config.RecordDir set, the proxy keeps every API exchange in memory,
// in the order the answers arrived, and Flush (Close calls it) writes the
// whole session as ONE golden file, RecordDir/<fixtures.FileName(Name)>,
// exactly as the suites write a scenario: fixtures.Capture keeps no
// request header and only the response headers that matter,
// fixtures.Normalize replaces ids, tokens and times by placeholders and
// every credential by <REDACTED>, and fixtures.Write writes atomically and
// refuses to replace an existing file unless Config.Overwrite is set. The
// provenance names target kind "proxy" (Kind), the upstream's host and the
// region; a recording from AWS marks error messages volatile
// (fixtures.VolatileFor). The credentials redacted are every credential
// the proxy signed with and the access key ids and session tokens the
// clients presented (a client's secret key never travels, so it cannot be
// recorded), plus Config.Redact.
//
// New refuses to start when the golden file already exists (and Overwrite
// is not set) or the directory cannot be written, so that a session is
// never run only to be lost at the end. An empty session writes no file.
//
// Stats and Findings report what was seen, for a summary.
//
// proxy.go holds Config, New and the handler that forwards (and signs);
// record.go checks, logs and records each exchange, and writes the
// recording. cmd/vpconform's "vpconform proxy" subcommand runs a Proxy as a
// standalone process: see vpconform proxy -h, and the README's section on
// it for a walk-through.
package proxy
