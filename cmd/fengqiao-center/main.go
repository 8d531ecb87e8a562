// Command fengqiao-center is the server of the county or township governance centre (综治中心):
// it receives the records of every hall and serves the centre's staff.
//
// Usage:
//
//	fengqiao-center serve --db postgres://…|sqlite:PATH [--listen :8443] [--tls-cert F --tls-key F]
//	fengqiao-center site add --db … NAME    registers a hall and prints its token
//	fengqiao-center user add --db … NAME    registers a centre user and prints their token
//
// --db defaults to $FENGQIAO_CENTER_DB. Tokens are shown once and stored only as hashes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

const usage = `usage:
  fengqiao-center serve --db DSN [--listen ADDR] [--tls-cert FILE --tls-key FILE]
  fengqiao-center site add --db DSN NAME
  fengqiao-center user add --db DSN NAME
DSN is postgres://user@host:port/db?sslmode=… or sqlite:PATH (default $FENGQIAO_CENTER_DB).`

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "fengqiao-center:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	switch {
	case len(args) >= 1 && args[0] == "serve":
		return serve(ctx, args[1:])
	case len(args) >= 2 && args[0] == "site" && args[1] == "add":
		return addPrincipal(ctx, "site", args[2:])
	case len(args) >= 2 && args[0] == "user" && args[1] == "add":
		return addPrincipal(ctx, "user", args[2:])
	}
	fmt.Fprintln(os.Stderr, usage)
	return flag.ErrHelp
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", os.Getenv("FENGQIAO_CENTER_DB"), "database: postgres://… or sqlite:PATH")
}

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := dbFlag(fs)
	listen := fs.String("listen", ":8443", "listen address")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM); without it the server speaks plain HTTP")
	key := fs.String("tls-key", "", "TLS key file (PEM)")
	if err := fs.Parse(args); err != nil {
		return flag.ErrHelp
	}
	if *dsn == "" {
		return errors.New("serve: --db is required")
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	srv := &http.Server{
		Handler:           center.NewServer(st, slog.Default()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	slog.Info("centre serving", "addr", ln.Addr().String(), "tls", *cert != "")
	errc := make(chan error, 1)
	go func() {
		if *cert != "" {
			errc <- srv.ServeTLS(ln, *cert, *key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shut)
}

// addPrincipal registers a site or a user and prints its new token.
func addPrincipal(ctx context.Context, kind string, args []string) error {
	fs := flag.NewFlagSet(kind+" add", flag.ContinueOnError)
	dsn := dbFlag(fs)
	if err := fs.Parse(args); err != nil {
		return flag.ErrHelp
	}
	if fs.NArg() != 1 || *dsn == "" {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	token, hash := center.NewToken()
	if kind == "site" {
		site, err := st.AddSite(ctx, fs.Arg(0), hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "site %d %q added; give the hall this token (shown once):\n", site.ID, site.Name)
	} else {
		if err := st.AddUser(ctx, fs.Arg(0), hash); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "user %q added; their token (shown once):\n", fs.Arg(0))
	}
	fmt.Println(token)
	return nil
}
