// Command fengqiao-center is the server of the county or township governance centre (综治中心):
// it receives the records of every hall and serves the centre's staff.
//
// Usage:
//
//	fengqiao-center serve --db postgres://…|sqlite:PATH [--listen :8443] [--tls-cert F --tls-key F]
//	    [--centre-name N] [--centre-phone P] [--retain 1095d]
//	fengqiao-center site add --db … [--phone P] NAME    registers a hall and prints its token
//	fengqiao-center site phone --db … NAME PHONE         sets a hall's phone for the tracking page
//	fengqiao-center user add --db … [--role R] [--site NAME] [--password-stdin] NAME
//	                                                     registers a centre user and prints their token
//	fengqiao-center retention --db … --after 1095d      strips personal data of long-closed cases
//	fengqiao-center demo --db … [--password P]           builds the demonstration town
//	fengqiao-center bench-tracking …                     loads cases and measures the tracking page
//
// --db defaults to $FENGQIAO_CENTER_DB. Tokens are shown once and stored only as hashes.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"fengqiao/center"
	"fengqiao/center/sqlstore"
)

const usage = `usage:
  fengqiao-center serve --db DSN [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--centre-name N]
      [--centre-phone P] [--retain DAYS d] [--trust-proxy] [--secure-cookies]
  fengqiao-center site add --db DSN [--phone P] NAME
  fengqiao-center site phone --db DSN NAME PHONE
  fengqiao-center user add --db DSN [--role staff|leader|readonly] [--site SITE] [--password-stdin] NAME
  fengqiao-center retention --db DSN --after DAYS d
  fengqiao-center demo --db DSN [--password P] [--seed N]
  fengqiao-center bench-tracking --db DSN --url http://127.0.0.1:PORT [--load N] [--duration D] [--concurrency C]
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
	case len(args) >= 2 && args[0] == "site" && args[1] == "phone":
		return sitePhone(ctx, args[2:])
	case len(args) >= 1 && args[0] == "retention":
		return retention(ctx, args[1:])
	case len(args) >= 1 && args[0] == "demo":
		return buildDemo(ctx, args[1:])
	case len(args) >= 1 && args[0] == "bench-tracking":
		return benchTracking(ctx, args[1:])
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
	centreName := fs.String("centre-name", "综治中心", "the centre's name on its pages")
	centrePhone := fs.String("centre-phone", "", "the centre's phone, shown for case codes it does not know")
	retain := fs.String("retain", "", "strip personal data of cases closed longer ago than this, daily (e.g. 1095d)")
	trustProxy := fs.Bool("trust-proxy", false, "take client addresses from X-Forwarded-For (behind a reverse proxy only)")
	secureCookies := fs.Bool("secure-cookies", false, "mark cookies Secure (set when a TLS proxy is in front)")
	if err := fs.Parse(args); err != nil {
		return flag.ErrHelp
	}
	var keep time.Duration
	if *retain != "" {
		var err error
		if keep, err = parseDays(*retain); err != nil {
			return fmt.Errorf("serve: --retain: %w", err)
		}
	}
	if *dsn == "" {
		return errors.New("serve: --db is required")
	}
	st, err := sqlstore.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	if keep > 0 {
		go retainLoop(ctx, st, keep)
	}
	handler := center.NewServer(st, slog.Default(), center.WithCentre(*centreName, *centrePhone),
		center.WithSecureCookies(*cert != "" || *secureCookies), center.WithTrustedProxy(*trustProxy))
	srv := &http.Server{
		Handler:           handler,
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
	phone := fs.String("phone", "", "site: the hall's phone for residents")
	role := fs.String("role", string(center.RoleStaff), "user: staff, leader or readonly")
	siteName := fs.String("site", "", "user: the only site the user sees (default: every site)")
	pwStdin := fs.Bool("password-stdin", false, "user: read a dashboard password from the first line of stdin")
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
		if *phone != "" {
			if err := st.SetSitePhone(ctx, site.ID, *phone); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "site %d %q added; give the hall this token (shown once):\n", site.ID, site.Name)
	} else {
		if !center.Role(*role).Valid() {
			return fmt.Errorf("user add: --role must be staff, leader or readonly")
		}
		var password string
		if *pwStdin {
			line, err := bufio.NewReader(os.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return fmt.Errorf("user add: read password: %w", err)
			}
			password = strings.TrimRight(line, "\r\n")
		}
		if err := addUser(ctx, st, fs.Arg(0), center.Role(*role), *siteName, password, hash); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "user %q added; their token (shown once):\n", fs.Arg(0))
	}
	fmt.Println(token)
	return nil
}
