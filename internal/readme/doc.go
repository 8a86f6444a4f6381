// Package readme holds the test that keeps the README honest: every code
// block in README.md is either copied from a file under examples/, which
// the tests there run (the block must equal the file), or a list of make
// commands, each of which make -n must accept. A block with neither marker
// fails the test, naming its line.
package readme
