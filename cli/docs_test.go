package cli

import (
	"bufio"
	"fengqiao/internal/cmdutil"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// invocation is one "fengqiao …" command line written in the documentation or the packaging.
type invocation struct {
	where string   // file:line
	args  []string // after "fengqiao"
	// command is true when the line is plainly a command (it starts with the program, or follows
	// exec or ExecStart=): its first word must then be a command, not merely may be one.
	command bool
	// inline is true for inline code in Markdown prose, where "fengqiao restore" may name a
	// command rather than run it.
	inline bool
}

// TestDocumentedInvocations checks that every command line the README, docs, packaging (systemd
// units, desktop entries, man pages, maintainer scripts), scripts and example configuration give
// parses in the real command tree: a renamed command or flag fails here, not at a hall.
func TestDocumentedInvocations(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../README.md", "../docs/*.md", "../scripts/*.sh", "../fengqiao.example.toml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	err := filepath.WalkDir("../packaging", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) != ".go" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	root := NewRoot(Streams{})
	commands := map[string]bool{}
	for _, c := range root.Commands() {
		commands[c.Name()] = true
	}
	commands["help"], commands["completion"] = true, true // cobra adds these as it executes

	checked := 0
	for _, file := range files {
		for _, inv := range invocations(t, file) {
			if !commands[inv.args[0]] {
				if inv.command {
					t.Errorf("%s: fengqiao %s: no such command", inv.where, strings.Join(inv.args, " "))
				}
				continue
			}
			checked++
			if inv.inline && names(root, inv.args) {
				continue // a command named in prose, e.g. "`fengqiao restore` puts a backup back"
			}
			if got := parse(inv.args...); got.code != cmdutil.ExitOK {
				t.Errorf("%s: fengqiao %s: exit %d\n%s", inv.where, strings.Join(inv.args, " "), got.code, got.stderr)
			}
		}
	}
	t.Logf("checked %d documented invocations in %d files", checked, len(files))
	if checked < 50 {
		t.Errorf("only %d documented invocations found: the extraction is broken", checked)
	}
}

// names reports whether args only name a command: "restore", "idcard info".
func names(root *cobra.Command, args []string) bool {
	cmd, rest, err := root.Find(args)
	return err == nil && len(rest) == 0 && cmd != root
}

// program finds the program at the start of an invocation: fengqiao (fengqiao.exe on Windows,
// /usr/bin/fengqiao in a unit) or "go run ." at the root of the repository. "fengqiao-center"
// and "fengqiao.toml" do not match.
var program = regexp.MustCompile(`(?:^|[\s/(="'` + "`" + `])((?:fengqiao(?:\.exe)?|go run \.) +)`)

// invocations returns the command lines in file: in Markdown, its code blocks and inline code; in
// shell scripts, the code outside comments and quoted strings; elsewhere, every line.
func invocations(t *testing.T, file string) []invocation {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []invocation
	markdown := filepath.Ext(file) == ".md"
	shell := filepath.Ext(file) == ".sh"
	fenced, indented := false, false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 && strings.HasPrefix(line, "#!/") && strings.HasSuffix(line, "sh") {
			shell = true
		}
		var snippets []string
		inline := false
		switch {
		case markdown && strings.HasPrefix(strings.TrimSpace(line), "```"):
			fenced = !fenced
		case markdown && (fenced || strings.HasPrefix(line, "    ") && indented):
			snippets = []string{stripComment(line)}
		case markdown:
			indented = strings.TrimSpace(line) == ""
			inline = true
			for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
				snippets = append(snippets, m[1])
			}
		case shell:
			snippets = []string{quoted.ReplaceAllString(stripComment(line), "")}
		default:
			snippets = []string{strings.ReplaceAll(line, `\-`, "-")} // man pages escape dashes
		}
		for _, s := range snippets {
			for _, m := range program.FindAllStringSubmatchIndex(s, -1) {
				args := words(s[m[3]:])
				if len(args) == 0 || !commandWord.MatchString(args[0]) {
					continue // "fengqiao - reception hall …" in a man page names the program
				}
				out = append(out, invocation{where: file + ":" + strconv.Itoa(n), args: args,
					command: atCommandStart(s[:m[2]]), inline: inline})
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	commandWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	inlineCode  = regexp.MustCompile("`([^`]+)`")
	quoted      = regexp.MustCompile(`"[^"]*"`)
	// commandStart is what may come before the program when it starts a command line: nothing,
	// exec, sudo, a prompt, a command substitution or a key (ExecStart=, Exec=).
	commandStart = regexp.MustCompile(`(?:^|\bexec|\bsudo|\$|\$\(|=)$`)
	// path is the folder before a program: /usr/bin/
	path = regexp.MustCompile(`[^\s=(]*/$`)
)

// atCommandStart reports whether the program, preceded by before, starts a command line.
func atCommandStart(before string) bool {
	return commandStart.MatchString(strings.TrimSpace(path.ReplaceAllString(before, "")))
}

// stripComment removes a shell comment: from a # at the start of the line or after a blank.
func stripComment(line string) string {
	for i, r := range line {
		if r == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i]
		}
	}
	return line
}

// words splits the rest of a command line into arguments, up to what ends the command (a shell
// operator or redirection, a quote or backquote, a closing parenthesis), dropping the brackets of
// optional arguments and giving the placeholder N a value.
func words(s string) []string {
	var args []string
	for _, w := range strings.Fields(s) {
		end := strings.IndexAny(w, "|;&<>)\"'`")
		if end >= 0 {
			if strings.Trim(w[:end], "0123456789") == "" {
				w = "" // nothing, or the descriptor of a redirection: 2>&1
			} else {
				w = w[:end]
			}
		}
		switch w = strings.Trim(w, "[]"); w {
		case "":
		case "N":
			args = append(args, "1")
		default:
			args = append(args, w)
		}
		if end >= 0 {
			break
		}
	}
	return args
}
