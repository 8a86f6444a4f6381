// Command vpfake runs the fake of the Amazon Verified Permissions
// identity-source API (package fake) as a standalone HTTP server, for
// clients that are not written in Go or that run in another process.
//
// vpfake -h is the one statement of how to use it: every flag with the
// VPFAKE_* environment variable it defaults to and its built-in default,
// then the control routes, the limits, shutdown, the state file, what it
// prints and its exit statuses, and the retries of SDK clients. vpfake
// -version prints its version.
//
// main.go holds cli (configuration to exit status) and run (the server,
// its log and its graceful shutdown); reqlog.go the log's buffered writer
// and the request lines of -log on and json; config.go the flags, their
// variables and checks, and the help text; statefile.go the state file,
// read at start and written after each change; parent.go
// -exit-with-parent.
package main
