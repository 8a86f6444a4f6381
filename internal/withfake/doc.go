// Command withfake starts the standalone fake (a vpfake binary) on a free
// loopback port, runs a command with the fake's URL in the environment, then
// stops the fake and exits with the command's status. `make test` uses it
// to run suites/endpoint and suites/aws against a real vpfake process:
//
//	go run ./internal/withfake -vpfake bin/vpfake -url-env VPCONFORM_ENDPOINT \
//	    -- go test -count=1 ./suites/endpoint
//
// The fake's own log goes to the file named by -log, not to the terminal; it
// is printed when the command fails.
package main
