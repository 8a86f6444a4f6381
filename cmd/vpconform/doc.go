// Command vpconform runs the vpconform conformance catalogue of the Amazon
// Verified Permissions identity-source API against any endpoint (a
// standalone vpfake, a third-party emulator), the way csi-sanity certifies
// a CSI driver: no clone of the repository and no Go test harness needed.
//
//	go install github.com/vpconform/vpconform/cmd/vpconform@latest
//	vpconform -endpoint http://127.0.0.1:4566
//
// It writes the conformance report (conformance.md, conformance.json,
// summary.txt and junit.xml) under -report-dir/endpoint/ and exits 0 only
// when every scenario that ran passed; 1 when one failed or the run could
// not start (an unreachable endpoint: no report is written and an earlier
// one is removed); 2 for bad arguments; 3 when the report could not be
// written. -list prints the catalogue the filters select; -version prints
// the version. Every flag defaults to an environment variable (vpconform
// -h lists them); credentials come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY, else dummy keys, and nothing but the endpoint is
// contacted.
//
// vpconform proxy is a validating, redacting recording proxy between an
// application and any endpoint (see package proxy).
package main
