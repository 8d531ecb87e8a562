package main

import (
	"context"
	"errors"
	"os"

	"fengqiao/doctor"
)

func init() {
	register("doctor", "check the installation: configuration, devices, paper, hub, centre, sync, disk, clock, database", runDoctor)
}

// installedConfig is the configuration the Debian package installs.
const installedConfig = "/etc/fengqiao/fengqiao.toml"

// errProblems makes the command exit non-zero; the report has already said what is wrong.
var errProblems = errors.New("problems found; see the report above")

func runDoctor(ctx context.Context, args []string) error {
	fs := newFlags("doctor")
	cfgPath := fs.String("config", defaultConfig(), "configuration file (empty: the demo hall)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	report := (&doctor.Doctor{ConfigPath: *cfgPath}).Run(ctx)
	if _, err := report.WriteTo(os.Stdout); err != nil {
		return err
	}
	if report.Failed() {
		return errProblems
	}
	return nil
}

// defaultConfig is the installed configuration if there is one, else "" (the demo hall).
func defaultConfig() string {
	if _, err := os.Stat(installedConfig); err == nil {
		return installedConfig
	}
	return ""
}
