// Command hello is the hello-world server `make bench-start` measures the
// fake's start-up against: a bare net/http server that answers every
// request, whatever its method, path, headers or body, with HTTP 200 and
// the JSON body {"hello":"world"}. It does nothing else at start-up but
// parse its flags and listen, so that its start-up time is what any Go
// HTTP server pays.
//
// Like vpfake, it prints "hello listening on http://host:port" on its
// standard error once it listens (-addr, default 127.0.0.1:0), stops on
// SIGTERM or interrupt, and with -exit-with-parent also when the process
// that started it is gone. It logs nothing per request.
package main
