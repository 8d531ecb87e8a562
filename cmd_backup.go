package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fengqiao/store"
)

func init() {
	register("backup", "copy the hall database safely while the hall is open", runBackup)
	register("restore", "replace the hall database with a backup (stop the hub first)", runRestore)
	register("pin-hash", "read a PIN on standard input and print its bcrypt hash for the configuration", runPINHash)
}

func runBackup(ctx context.Context, args []string) error {
	fs := newFlags("backup")
	cfgPath := fs.String("config", "", "configuration file (default: the demo hall)")
	dataDir := fs.String("data", "", "data folder (overrides data_dir)")
	out := fs.String("out", "", "backup file (default: <data>/backups/fengqiao-<time>.db)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath, *dataDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(cfg.DatabasePath()); err != nil {
		return fmt.Errorf("no hall database at %s", cfg.DatabasePath())
	}
	db, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return err
	}
	defer db.Close()
	path := *out
	if path == "" {
		path = filepath.Join(cfg.DataDir, "backups", "fengqiao-"+time.Now().Format("20060102-150405")+".db")
	}
	if err := db.Backup(ctx, path); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}

func runRestore(ctx context.Context, args []string) error {
	fs := newFlags("restore")
	cfgPath := fs.String("config", "", "configuration file (default: the demo hall)")
	dataDir := fs.String("data", "", "data folder (overrides data_dir)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: fengqiao restore [--config F] BACKUP.db")
		return errUsage
	}
	cfg, err := loadConfig(*cfgPath, *dataDir)
	if err != nil {
		return err
	}
	if hubRunning(ctx, cfg.Hub.Listen) {
		return fmt.Errorf("the hub is running on %s; stop it first (systemctl stop fengqiao-hub)", cfg.Hub.Listen)
	}
	kept, err := store.Restore(ctx, fs.Arg(0), cfg.DatabasePath())
	if err != nil {
		return err
	}
	fmt.Printf("restored %s to %s\n", fs.Arg(0), cfg.DatabasePath())
	if kept != "" {
		fmt.Printf("the previous database is kept as %s\n", kept)
	}
	return nil
}

// hubRunning reports whether a hub answers on the listen address.
func hubRunning(ctx context.Context, listen string) bool {
	host := listen
	if strings.HasPrefix(host, "0.0.0.0:") || strings.HasPrefix(host, ":") {
		host = "127.0.0.1:" + host[strings.LastIndex(host, ":")+1:]
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/healthz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func runPINHash(_ context.Context, args []string) error {
	fs := newFlags("pin-hash")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "PIN (4 to 12 digits), then Enter:")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("read PIN: %w", err)
	}
	pin := strings.TrimSpace(line)
	if len(pin) < 4 || len(pin) > 12 || strings.Trim(pin, "0123456789") != "" {
		return fmt.Errorf("a PIN is 4 to 12 digits")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash PIN: %w", err)
	}
	fmt.Println(string(h))
	return nil
}
