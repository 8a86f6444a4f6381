// Command vpconform runs the vpconform conformance catalogue of the Amazon
// Verified Permissions identity-source API against any endpoint (a
// standalone vpfake, a third-party emulator), the way csi-sanity certifies
// a CSI driver: no clone of the repository and no Go test harness needed.
// Its subcommand vpconform proxy puts package proxy, the validating,
// redacting recording proxy, between an application and any endpoint.
//
// The flags, their environment variables and the exit statuses are
// documented by the help texts, vpconform -h and vpconform proxy -h; the
// README's "Certifying an emulator" and "vpconform proxy" sections say how
// to use both.
//
// main.go dispatches the subcommands; run.go runs (or lists) the catalogue
// with Ginkgo, as suites/endpoint does under go test, and config.go reads
// its flags; proxy.go reads the proxy's flags and serves it until a
// signal; flags.go is the flag set both read, every flag defaulting to an
// environment variable.
package main
