// Command withfake starts the standalone fake (a vpfake binary) on a free
// loopback port, runs a command with the fake's URL in the environment, then
// stops the fake and exits with the command's status. `make test` uses it to
// run the catalogue and suites/aws against a real vpfake process. The fake's
// log goes to a file, which is kept, and named, when the command fails;
// withfake -h lists the flags.
package main
