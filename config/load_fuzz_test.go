package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
)

// FuzzLoad checks Load on any file (corpus: testdata/fuzz/FuzzLoad). A file it accepts gives a
// whole configuration: one that validates, with the data folder made absolute, the same on a
// second load, the same again when written back as TOML and loaded; and the same file with an
// unknown setting added is refused. A file it refuses is refused with an error, never accepted
// half-way.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "fengqiao.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("Load refused the file with an empty error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Load accepted a configuration that does not validate: %v", err)
		}
		if !filepath.IsAbs(c.DataDir) {
			t.Fatalf("data_dir %q is not absolute", c.DataDir)
		}
		again, err := Load(path)
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("second load: %v; differs: %v", err, !reflect.DeepEqual(again, c))
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(c); err != nil {
			t.Fatalf("encode the loaded configuration: %v", err)
		}
		written := filepath.Join(dir, "written.toml")
		if err := os.WriteFile(written, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if back, err := Load(written); err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("the configuration written back loads as %+v, %v; want %+v\n%s", back, err, c, buf.Bytes())
		}
		unknown := filepath.Join(dir, "unknown.toml")
		if err := os.WriteFile(unknown, append([]byte("fuzz_unknown_setting = 1\n"), data...), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(unknown); err == nil {
			t.Fatal("Load accepted the file with an unknown setting added")
		}
	})
}
