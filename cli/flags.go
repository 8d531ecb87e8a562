package cli

import (
	"errors"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"github.com/spf13/pflag"

	"fengqiao/config"
)

// installedConfig is the configuration the Debian package installs.
const installedConfig = "/etc/fengqiao/fengqiao.toml"

// defaultConfig is the installed configuration if there is one, else "" (the demo hall).
func defaultConfig() string {
	if _, err := os.Stat(installedConfig); err == nil {
		return installedConfig
	}
	return ""
}

// addConfigFlag adds --config, the configuration file; empty is the demo hall.
func addConfigFlag(fs *pflag.FlagSet, p *string, def string) {
	fs.StringVar(p, "config", def, "configuration `file` (empty: the demo hall)")
}

// addDataFlag adds --data, the folder of the hall database and what the hall keeps beside it.
func addDataFlag(fs *pflag.FlagSet, p *string, def string) {
	fs.StringVar(p, "data", def, "data `folder` holding fengqiao.db (overrides data_dir)")
}

// windowFlags are --window and --choose-window: the hall window a console or pad serves.
type windowFlags struct {
	n      int
	choose bool
}

// addWindowFlags adds --window and --choose-window.
func addWindowFlags(fs *pflag.FlagSet, f *windowFlags) {
	fs.IntVar(&f.n, "window", 0, "the hall window `N` served (default: the one chosen on this PC's first start)")
	fs.BoolVar(&f.choose, "choose-window", false, "ask again which window this PC serves")
}

// check refuses a window number below 1.
func (f windowFlags) check(flags *pflag.FlagSet) error {
	if flags.Changed("window") && f.n <= 0 {
		return errors.New("--window N: the number of the hall window served, from 1")
	}
	return nil
}

// addWindowedFlag adds --windowed, for installation and testing.
func addWindowedFlag(fs *pflag.FlagSet, p *bool) {
	fs.BoolVar(p, "windowed", false, "a normal window instead of full screen (installation and testing)")
}

// addSizeFlag adds --size, the kiosk window's size (windowed only).
func addSizeFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "size", "", "the window's size WIDTHxHEIGHT, e.g. 1366x768 (default 1920x1080, or 1080x1920 in portrait)")
}

// parseSize reads WIDTHxHEIGHT; "" is the default size of the orientation.
func parseSize(s string, portrait bool) (fyne.Size, error) {
	if s == "" {
		return kioskSize(portrait), nil
	}
	var w, h int
	if n, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || n != 2 || w < 320 || h < 240 {
		return fyne.Size{}, fmt.Errorf("--size %q: want WIDTHxHEIGHT, e.g. 1366x768", s)
	}
	return fyne.NewSize(float32(w), float32(h)), nil
}

// addMeasureStartFlag adds --measure-start, the cold-start measurement of docs/performance.md.
func addMeasureStartFlag(fs *pflag.FlagSet, p *bool) {
	fs.BoolVar(p, "measure-start", false, "print the time to the home screen and quit")
}

// hallFlags are the flags of the commands that open the hall's own data: --config and --data.
type hallFlags struct {
	config, data string
}

func addHallFlags(fs *pflag.FlagSet, f *hallFlags) {
	addConfigFlag(fs, &f.config, "")
	addDataFlag(fs, &f.data, "")
}

// load reads the configuration and applies --data.
func (f hallFlags) load() (config.Config, error) {
	return loadConfig(f.config, f.data)
}

// loadConfig reads the configuration at path (empty: the demo hall) and applies dataDir.
func loadConfig(path, dataDir string) (config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return cfg, err
	}
	if dataDir != "" {
		cfg.DataDir = dataDir
	}
	return cfg, nil
}
