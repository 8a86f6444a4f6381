// Package benchutil holds what the benchmark commands internal/loadbench
// (make bench-load) and internal/startbench (make bench-start), and the
// servers they measure vpfake against (internal/loadbench/canned,
// internal/startbench/hello), do alike:
//
//   - the statistics: [Percentile] by nearest rank and [Median];
//   - [Serve], which serves a handler until a context ends, saying
//     "<name> listening on http://host:port" on standard error, then shuts
//     it down gracefully, and [ExitWithParent], the watcher behind the
//     servers' -exit-with-parent flag;
//   - [Start], which starts a server process, waits for its listening line
//     (and times it), keeps the tail of its log, and [Process.Stop];
//   - [WriteJSON], which writes a command's -json results.
//
// What the commands print, their flags and their exit statuses stay theirs.
package benchutil
