// Command canned is the bare net/http server `make bench` measures the fake
// against: it answers every request, whatever its method, path, headers or
// body, with the same status, headers and body, read from a JSON file
// (-answer) that internal/loadbench writes from the fake's own answer:
//
//	{"status": 200, "header": {"Content-Type": ["application/x-amz-json-1.0"]}, "body": "<base64>"}
//
// It reads each request's body before answering, as any server must, and
// adds nothing of its own but what net/http adds (Date and
// Content-Length). Like vpfake, it prints "canned listening on
// http://host:port" on its standard error once it listens (-addr, default
// 127.0.0.1:0), stops on SIGTERM or interrupt, and with -exit-with-parent
// also when the process that started it is gone. It logs nothing per
// request.
package main
