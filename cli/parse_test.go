package cli

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"fengqiao/devices/idcard/idcardsim"
	"fengqiao/internal/cmdutil"
)

// parsed is what a command line came to in the real command tree, without running it.
type parsed struct {
	cmd    string // the command path, e.g. "fengqiao sync status"; "" if none ran
	opts   any    // the options the command would run with
	code   int    // the exit code
	stdout string
	stderr string
}

// parse runs args through the real command tree, as Execute does, but hands each command's
// options back instead of running it.
func parse(args ...string) parsed {
	var p parsed
	var out, errs bytes.Buffer
	e := &env{
		Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &errs},
		parsed: func(cmd *cobra.Command, opts any) {
			p.cmd = cmd.CommandPath()
			p.opts = opts
		},
	}
	p.code = execute(context.Background(), newRoot(e), args)
	p.stdout, p.stderr = out.String(), errs.String()
	return p
}

func TestParse(t *testing.T) {
	const url = "http://127.0.0.1:8470"
	installed := defaultConfig()
	tests := []struct {
		args string
		cmd  string // the command run
		opts any    // its options
		err  string // or: part of the usage error
	}{
		// hub
		{args: "hub", cmd: "hub", opts: &hubOptions{}},
		{args: "hub --config F --data D --listen :9000", cmd: "hub",
			opts: &hubOptions{hall: hallFlags{config: "F", data: "D"}, listen: ":9000"}},
		{args: "hub -config F -listen=:9000", cmd: "hub", opts: &hubOptions{hall: hallFlags{config: "F"}, listen: ":9000"}},
		{args: "hub x --config F", err: `unknown argument "x": hub takes no arguments`},
		{args: "hub --config F x y", err: `unknown argument "x": hub takes no arguments`},
		{args: "hub --bogus", err: "unknown flag: --bogus"},
		{args: "hub -bogus", err: "unknown shorthand flag: 'b' in -bogus"},
		{args: "hub --config", err: "flag needs an argument: --config"},
		{args: "hub -- -config F", err: `unknown argument "-config": hub takes no arguments`},

		// kiosk and demo
		{args: "kiosk --windowed --config F", cmd: "kiosk", opts: &kioskOptions{hall: hallFlags{config: "F"}, windowed: true}},
		{args: "kiosk -windowed -measure-start -data D", cmd: "kiosk",
			opts: &kioskOptions{hall: hallFlags{data: "D"}, windowed: true, measure: true}},
		{args: "kiosk now", err: `unknown argument "now": kiosk takes no arguments`},
		{args: "demo", cmd: "demo", opts: &demoOptions{hall: hallFlags{data: "data"}}},
		{args: "demo --portrait --fullscreen --measure-start --data ./d --config F", cmd: "demo",
			opts: &demoOptions{hall: hallFlags{config: "F", data: "./d"}, portrait: true, fullscreen: true, measure: true}},

		// the hub's clients
		{args: "window --hub " + url + " --window 1", cmd: "window",
			opts: &windowOptions{client: clientFlags{hub: url}, window: windowFlags{n: 1}}},
		{args: "window -hub " + url + " -window=2 -token T -printer pdf:/tmp -config F", cmd: "window",
			opts: &windowOptions{client: clientFlags{config: "F", hub: url, token: "T"}, window: windowFlags{n: 2}, printer: "pdf:/tmp"}},
		{args: "window --config F", cmd: "window", opts: &windowOptions{client: clientFlags{config: "F"}}},
		{args: "window --choose-window", cmd: "window", opts: &windowOptions{window: windowFlags{choose: true}}},
		{args: "window --window 0", err: "--window N: the number of the hall window served, from 1"},
		{args: "window --window one", err: `invalid argument "one" for "--window" flag`},
		{args: "display --hub " + url + " --mute --windowed", cmd: "display",
			opts: &displayOptions{client: clientFlags{hub: url}, windowed: true, mute: true}},
		{args: "display -mute", cmd: "display", opts: &displayOptions{mute: true}},
		{args: "display --window 1", err: "unknown flag: --window"},
		{args: "rate --window 3 --windowed", cmd: "rate", opts: &rateOptions{window: windowFlags{n: 3}, windowed: true}},
		{args: "rate -window 3 -token T", cmd: "rate", opts: &rateOptions{client: clientFlags{token: "T"}, window: windowFlags{n: 3}}},
		{args: "rate --hub " + url, cmd: "rate", opts: &rateOptions{client: clientFlags{hub: url}}},

		// diagnostics
		{args: "doctor", cmd: "doctor", opts: &doctorOptions{config: installed}},
		{args: "doctor -config F", cmd: "doctor", opts: &doctorOptions{config: "F"}},
		{args: "doctor --config F now", err: `unknown argument "now": doctor takes no arguments`},
		{args: "devices", cmd: "devices", opts: &devicesOptions{config: installed, probe: true, timeout: 500 * time.Millisecond}},
		{args: "devices --listen 10s --probe=false -timeout 1s", cmd: "devices",
			opts: &devicesOptions{config: installed, timeout: time.Second, listen: 10 * time.Second}},
		{args: "devices --listen 10", err: `invalid argument "10" for "--listen" flag`},

		// idcard
		{args: "idcard read --port /dev/ttyUSB0 --json", cmd: "idcard read",
			opts: &idcardReadOptions{port: portFlags{port: "/dev/ttyUSB0", baud: 115200, timeout: 5 * time.Second}, json: true}},
		{args: "idcard info -port P -baud 9600 -timeout 2s", cmd: "idcard info",
			opts: &idcardInfoOptions{port: portFlags{port: "P", baud: 9600, timeout: 2 * time.Second}}},
		{args: "idcard simulate", cmd: "idcard simulate",
			opts: &idcardSimulateOptions{baud: 115200, link: "/tmp/fengqiao-idcard", mode: "keep", findMode: idcardsim.FindKeepsCard}},
		{args: "idcard simulate --card c.json --mode once --baud 9600 --link L --empty", cmd: "idcard simulate",
			opts: &idcardSimulateOptions{card: "c.json", baud: 9600, link: "L", mode: "once", empty: true, findMode: idcardsim.FindOncePerPlacement}},
		{args: "idcard simulate --mode sometimes", err: `mode must be "keep" or "once"`},
		{args: "idcard", err: "idcard needs a subcommand: read, info, simulate"},
		{args: "idcard write", err: `unknown subcommand "write": idcard has read, info, simulate`},
		{args: "idcard read card", err: `unknown argument "card": idcard read takes no arguments`},

		// print-test
		{args: "print-test --out r.pdf --paper 58", cmd: "print-test", opts: &printTestOptions{config: installed,
			outPDF: "r.pdf", paper: "58", publicURL: "https://zz.example.gov.cn", timeout: 30 * time.Second}},
		{args: "print-test -serial /dev/ttyUSB0 -baud 115200 -qr raster -cut partial -reprint", cmd: "print-test", opts: &printTestOptions{config: installed,
			serial: "/dev/ttyUSB0", baud: 115200, qr: "raster", cut: "partial", publicURL: "https://zz.example.gov.cn",
			reprint: true, timeout: 30 * time.Second, spec: "serial:/dev/ttyUSB0"}},
		{args: "print-test --to pdf:receipts --paper 58", cmd: "print-test", opts: &printTestOptions{config: installed,
			to: "pdf:receipts", paper: "58", publicURL: "https://zz.example.gov.cn", timeout: 30 * time.Second, spec: "pdf:receipts"}},
		{args: "print-test --printer RAW --format escpos", cmd: "print-test", opts: &printTestOptions{config: installed,
			queue: "RAW", format: "escpos", publicURL: "https://zz.example.gov.cn", timeout: 30 * time.Second, spec: "cups:RAW"}},
		{args: "print-test --config F", cmd: "print-test", opts: &printTestOptions{config: "F",
			publicURL: "https://zz.example.gov.cn", timeout: 30 * time.Second}},
		{args: "print-test --to lpt:1", err: `unknown kind "lpt"`},
		{args: "print-test --to pdf:x --tcp 10.0.0.9:9100", err: "give at most one of"},
		{args: "print-test --serial /dev/ttyUSB0 --baud 9601", err: "baud 9601 is not a standard rate"},
		{args: "print-test --printer Q --format ps", err: `printer format "ps"`},
		{args: "print-test --out a.pdf --tcp 10.0.0.9:9100", err: "give at most one of"},
		{args: "print-test --out a.pdf --paper 57", err: `unknown paper width "57"`},
		{args: "print-test --escpos a.bin --cut half", err: `unknown cut mode "half"`},
		{args: "print-test --escpos a.bin --qr image", err: `unknown QR mode "image"`},

		// print-queue
		{args: "print-queue list --data D", cmd: "print-queue list", opts: &printQueueOptions{hall: hallFlags{config: installed, data: "D"}}},
		{args: "print-queue print 20260301-090000-A001 --force -config F", cmd: "print-queue print",
			opts: &printQueueOptions{hall: hallFlags{config: "F"}, force: true, timeout: 30 * time.Second}},
		{args: "print-queue discard 20260301-090000-A001", cmd: "print-queue discard", opts: &printQueueOptions{hall: hallFlags{config: installed}}},
		{args: "print-queue print", err: "print-queue print needs a job ID"},
		{args: "print-queue discard a b", err: `unknown argument "b": print-queue discard takes one argument`},
		{args: "print-queue list x", err: `unknown argument "x": print-queue list takes no arguments`},
		{args: "print-queue", err: "print-queue needs a subcommand: list, print, discard"},
		{args: "print-queue flush", err: `unknown subcommand "flush": print-queue has list, print, discard`},

		// sync
		{args: "sync status", cmd: "sync status", opts: &syncStatusOptions{}},
		{args: "sync status --data D --db P -config F", cmd: "sync status",
			opts: &syncStatusOptions{hall: hallFlags{config: "F", data: "D"}, db: "P"}},
		{args: "sync --db P status", cmd: "sync status", opts: &syncStatusOptions{db: "P"}},
		{args: "sync", err: "sync needs a subcommand: status"},
		{args: "sync now", err: `unknown subcommand "now": sync has status`},
		{args: "sync status x", err: `unknown argument "x": sync status takes no arguments`},

		// backup, restore, pin-hash
		{args: "backup --config F --out B.db", cmd: "backup", opts: &backupOptions{hall: hallFlags{config: "F"}, out: "B.db"}},
		{args: "backup -data D -out=B.db", cmd: "backup", opts: &backupOptions{hall: hallFlags{data: "D"}, out: "B.db"}},
		{args: "backup B.db", err: `unknown argument "B.db": backup takes no arguments`},
		{args: "restore B.db", cmd: "restore", opts: &restoreOptions{backup: "B.db"}},
		{args: "restore B.db --config F", cmd: "restore", opts: &restoreOptions{hall: hallFlags{config: "F"}, backup: "B.db"}},
		{args: "restore -config F -data D B.db", cmd: "restore", opts: &restoreOptions{hall: hallFlags{config: "F", data: "D"}, backup: "B.db"}},
		{args: "restore --config F", err: "restore needs the backup file to restore"},
		{args: "restore A.db B.db", err: `unknown argument "B.db": restore takes one argument, the backup file to restore`},
		{args: "pin-hash", cmd: "pin-hash", opts: &pinHashOptions{}},
		{args: "pin-hash 1234", err: `unknown argument "1234": pin-hash takes no arguments`},

		// the root
		{args: "screenshots", err: `unknown command "screenshots" for "fengqiao"`},
		{args: "hbu", err: "Did you mean this?\n\thub"},
		{args: "--config F", err: "unknown flag: --config"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got := parse(strings.Fields(tt.args)...)
			if tt.err != "" {
				if got.code != cmdutil.ExitUsage || !strings.Contains(got.stderr, tt.err) || got.cmd != "" {
					t.Fatalf("exit %d, ran %q, stderr:\n%s\nwant exit %d, nothing run, and %q", got.code, got.cmd, got.stderr, cmdutil.ExitUsage, tt.err)
				}
				if !strings.Contains(got.stderr, "--help' for usage") {
					t.Errorf("stderr does not point to --help:\n%s", got.stderr)
				}
				return
			}
			if got.code != cmdutil.ExitOK || got.cmd != "fengqiao "+tt.cmd {
				t.Fatalf("exit %d, ran %q, stderr:\n%s\nwant exit 0 and fengqiao %s", got.code, got.cmd, got.stderr, tt.cmd)
			}
			if !reflect.DeepEqual(got.opts, tt.opts) {
				t.Errorf("options\n got %+v\nwant %+v", got.opts, tt.opts)
			}
		})
	}
}

// TestExitCodes runs commands for real: a failure that is no usage error exits 1 without the
// usage; help and completion work.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args   []string
		code   int
		stdout string // part of standard output
		stderr string // part of standard error
	}{
		{args: nil, code: 0, stdout: "Available Commands:"},
		{args: []string{"help"}, code: 0, stdout: "pin-hash"},
		{args: []string{"help", "hub"}, code: 0, stdout: "--listen address"},
		{args: []string{"hub", "--help"}, code: 0, stdout: "fengqiao hub [flags]"},
		{args: []string{"hub", "-help"}, code: 0, stdout: "fengqiao hub [flags]"},
		{args: []string{"idcard", "simulate", "-h"}, code: 0, stdout: "fault NAME"},
		{args: []string{"completion", "bash"}, code: 0, stdout: "bash completion"},
		{args: []string{"completion", "zsh"}, code: 0, stdout: "compdef"},
		{args: []string{"completion", "fish"}, code: 0, stdout: "complete -c fengqiao"},
		{args: []string{"completion", "powershell"}, code: 0, stdout: "Register-ArgumentCompleter"},
		{args: []string{"hub", "x", "--config", dir + "/none.toml"}, code: 2, stderr: `unknown argument "x"`},
		{args: []string{"hub", "--config", dir + "/none.toml"}, code: 1, stderr: "fengqiao hub: "},
		{args: []string{"backup", "--data", dir}, code: 1, stderr: "fengqiao backup: no hall database at " + dir},
		{args: []string{"sync", "status", "--db", dir + "/none.db"}, code: 1, stderr: "fengqiao sync status: hall database: "},
		{args: []string{"pin-hash"}, code: 1, stderr: "fengqiao pin-hash: read PIN: EOF"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errs bytes.Buffer
			code := Execute(context.Background(), tt.args, Streams{In: strings.NewReader(""), Out: &out, Err: &errs})
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errs.String(), tt.stderr) {
				t.Fatalf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, %q on stdout and %q on stderr",
					code, out.String(), errs.String(), tt.code, tt.stdout, tt.stderr)
			}
			if code == cmdutil.ExitFailure && strings.Contains(errs.String(), "Usage:") {
				t.Errorf("a runtime failure printed the usage:\n%s", errs.String())
			}
		})
	}
}
