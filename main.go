// Command fengqiao is the hall side of Fengqiao (枫桥), the self-service reception system of a
// grassroots comprehensive-governance centre: the hub that holds the queue, and the kiosk, window
// console, hall display and rating pad that use it.
//
// Usage:
//
//	fengqiao <command> [flags]
//
// Run "fengqiao help" for the list of commands.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the hall's time zone must resolve on machines without zoneinfo (Windows)

	"fengqiao/cli"
)

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
