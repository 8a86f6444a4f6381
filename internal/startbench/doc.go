// Command startbench measures how long the standalone fake takes to start,
// against a hello-world server: `make bench-start` runs it. It starts
// bin/vpfake (-addr 127.0.0.1:0 -region us-east-1 -exit-with-parent) and
// bin/hello (package internal/startbench/hello, a bare net/http server) as
// processes, one after the other, -rounds times each (default 30), the
// servers taking turns (vpfake, hello, vpfake, hello, …) so that both see
// the same machine, after -warmup unmeasured starts of each (default 1,
// so that the binaries are in the file cache).
//
// Each start is timed from just before the exec to
//
//   - listen: the line "<name> listening on http://host:port" on the
//     server's standard error;
//   - answer: the last byte of the answer to the first API request, sent
//     as soon as the line has come, over a new connection of a new
//     http.Client (no connection is reused between starts).
//
// The first request to vpfake is a raw awsJson1_0 GetPolicyStore of a
// policy store that does not exist (POST /, X-Amz-Target
// VerifiedPermissions.GetPolicyStore), which must be answered HTTP 404
// with X-Amzn-ErrorType ResourceNotFoundException; the one to hello is
// GET /, which must be answered 200 {"hello":"world"}. Any other answer
// is a wrong answer. The server is then stopped (SIGTERM) and waited for;
// its CPU time (user+system over its whole life: start, one request,
// shutdown) and peak resident memory come from the wait.
//
// It prints, per server, the median, range and p90 (nearest rank) over
// the rounds of listen, answer, answer minus listen (the first request
// itself), CPU and peak memory, then the ratios vpfake / hello of the
// medians. -json writes every round too.
//
// Exit status: 0; 1 when an answer was wrong or a server did not stop
// cleanly (the figures are printed but are not to be trusted); 2 when it
// could not run (flags, a binary that cannot start or never says it
// listens).
package main
