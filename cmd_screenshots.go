package main

import (
	"context"
	"fmt"
	"os"
	"sort"
)

// screenshotters render screens headless into a folder; each screen's cmd file registers its own.
var screenshotters = map[string]func(dir string) error{}

func registerScreenshots(name string, render func(dir string) error) {
	screenshotters[name] = render
}

func init() {
	register("screenshots", "render every screen headless (Fyne test driver) to docs/screenshots", runScreenshots)
}

func runScreenshots(_ context.Context, args []string) error {
	fs := newFlags("screenshots")
	out := fs.String("out", "docs/screenshots", "folder for the PNG files")
	only := fs.String("only", "", "render only this group (e.g. kiosk)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	names := make([]string, 0, len(screenshotters))
	for n := range screenshotters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if *only != "" && n != *only {
			continue
		}
		if err := screenshotters[n](*out); err != nil {
			return fmt.Errorf("%s screenshots: %w", n, err)
		}
		fmt.Printf("rendered %s screens to %s\n", n, *out)
	}
	return nil
}
