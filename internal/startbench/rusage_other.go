//go:build !unix

package main

import "os"

// maxRSSKiB is -1: the peak resident memory is not known here.
func maxRSSKiB(*os.ProcessState) int64 { return -1 }
