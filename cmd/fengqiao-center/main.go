// Command fengqiao-center is the server of the county or township governance centre (综治中心):
// it receives the records of every hall and serves the centre's staff.
//
// Usage:
//
//	fengqiao-center serve [--db DSN] [--listen :8443] [--tls-cert F --tls-key F]
//	    [--centre-name N] [--centre-phone P] [--retain 1095d] [--trust-proxy] [--secure-cookies]
//	fengqiao-center site add [--db DSN] [--phone P] NAME    registers a hall and prints its token
//	fengqiao-center site phone [--db DSN] NAME PHONE         sets a hall's phone for the tracking page
//	fengqiao-center user add [--db DSN] [--role R] [--site NAME] [--password-stdin] NAME
//	                                                         registers a centre user and prints their token
//	fengqiao-center retention [--db DSN] --after 1095d      strips personal data of long-closed cases
//	fengqiao-center demo [--db DSN] [--password P] [--seed N]   builds the demonstration town
//	fengqiao-center bench-tracking [--db DSN] --url URL …    loads cases and measures the tracking page
//	fengqiao-center completion bash|zsh|fish|powershell     prints a shell completion script
//
// DSN is postgres://user@host:port/db?sslmode=… or sqlite:PATH; --db defaults to
// $FENGQIAO_CENTER_DB. Flags go anywhere on the line; the older single-dash form (-db DSN) is
// still read. Tokens are shown once and stored only as hashes. The commands are in package
// fengqiao/center/cli; exit status 2 means a wrong command line, 1 a failure.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"fengqiao/center/cli"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, cli.NewCmdRoot(nil), os.Args[1:])
	stop()
	os.Exit(code)
}
