package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"fengqiao/center/cli"
)

// repo is the repository's root, seen from this package.
const repo = "../.."

// TestDocumentedInvocations checks every fengqiao-center command line written in the README, the
// docs, the packaging and the scripts against the real command tree: the command exists and the
// line parses, placeholders ($DB, …) standing for any value.
func TestDocumentedInvocations(t *testing.T) {
	t.Setenv(cli.DBEnv, "sqlite:centre.db") // the service's settings file sets it for ExecStart
	files := docFiles(t)
	total := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		if filepath.Ext(file) == ".1" {
			text = fromTroff(text)
		}
		found := invocations(text)
		for _, inv := range found {
			t.Logf("%s:%d: fengqiao-center %s", file, inv.line, strings.Join(inv.words, " "))
			if err := checkInvocation(inv.words); err != nil {
				t.Errorf("%s:%d: fengqiao-center %s: %v", file, inv.line, strings.Join(inv.words, " "), err)
			}
		}
		total += len(found)
	}
	t.Logf("%d invocations in %d files", total, len(files))
	if total == 0 {
		t.Fatal("no invocation found: the pattern or the list of files is broken")
	}
}

// TestCheckInvocation checks that the check refuses what the command would refuse.
func TestCheckInvocation(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
	}{
		{"serve --db X --listen :8480", true},
		{"site add", true}, // a reference to the command, as in prose
		{"site add NAME --db X", true},
		{"retention --db X --after 1095d", true},
		{"serve --no-such-flag", false},
		{"frobnicate --db X", false},
		{"frobnicate", false},
		{"site frob", false},
		{"retention --after 1095 d --db X", false},
		{"retention --after DAYS --db X", false},
		{"site add A B --db X", false},
		{"token revoke --db X 3", true}, // an admin command parses without opening the database
		{"site rotate --db X --overlap 168h A", true},
		{"token add --db X --ttl 1h U", false},
		{"user role --db X --role boss U", false},
	}
	for _, tt := range tests {
		if err := checkInvocation(strings.Fields(tt.line)); (err == nil) != tt.ok {
			t.Errorf("%s: %v, want ok %v", tt.line, err, tt.ok)
		}
	}
}

func TestInvocations(t *testing.T) {
	const doc = "go run ./cmd/fengqiao-center demo --db sqlite:centre.db\n" +
		`printf '%s\n' "$PASSWORD" | fengqiao-center user add --db "$DB" --role staff --password-stdin 李四  # note` + "\n" +
		"ExecStart=/usr/bin/fengqiao-center serve --listen ${L} --tls-cert ${C}\n" +
		`fengqiao-center site add --db "$(. /etc/x.env; echo "$FENGQIAO_CENTER_DB")" 枫桥镇   # → token` + "\n" +
		"  /tmp/fengqiao-center serve --db 'a b' &\n" +
		"see `fengqiao-center retention --db … --after 1095d` (or `fengqiao-center serve`), the `fengqiao-center`\n" +
		"binary, /etc/fengqiao-center/center.env, createdb -O fengqiao-center fengqiao, fengqiao-center_0.1.deb\n" +
		"go build -o /tmp/fqc ./cmd/fengqiao-center\n" +
		"fengqiao-center\n"
	want := []invocation{
		{1, []string{"demo", "--db", "sqlite:centre.db"}},
		{2, []string{"user", "add", "--db", placeholder, "--role", "staff", "--password-stdin", "李四"}},
		{3, []string{"serve", "--listen", placeholder, "--tls-cert", placeholder}},
		{4, []string{"site", "add", "--db", placeholder, "枫桥镇"}},
		{5, []string{"serve", "--db", "a b"}},
		{6, []string{"retention", "--db", placeholder, "--after", "1095d"}},
		{6, []string{"serve"}},
	}
	if got := invocations(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("invocations:\n%+v\nwant\n%+v", got, want)
	}
}

// docFiles lists the files that show fengqiao-center command lines.
func docFiles(t *testing.T) []string {
	var files []string
	for _, pattern := range []string{"README.md", "docs/*.md", "scripts/*.sh"} {
		m, err := filepath.Glob(filepath.Join(repo, pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: %v, %d files", pattern, err, len(m))
		}
		files = append(files, m...)
	}
	err := filepath.WalkDir(filepath.Join(repo, "packaging"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// invocation is a command line of fengqiao-center found in a text: the words after the
// program's name.
type invocation struct {
	line  int
	words []string
}

// program finds fengqiao-center where a shell would run it: at the start of a line, after a
// Markdown backquote, a pipe, ";" or "&&", in ExecStart= or after go run, possibly with a path.
var program = regexp.MustCompile("(?m)(?:^[ \\t]*|[`|;][ \\t]*|&&[ \\t]*|ExecStart=|\\bgo run )" +
	"(?:[\\w./-]*/)?fengqiao-center(?:[ \\t]|`|$)")

// invocations returns the fengqiao-center command lines of text, with placeholders for the
// words the shell would expand. The program's name alone is no command line.
func invocations(text string) []invocation {
	var out []invocation
	for _, m := range program.FindAllStringIndex(text, -1) {
		rest := text[m[1]:]
		// A line ending in a backslash goes on with the next.
		for end := strings.IndexByte(rest, '\n'); end >= 0; end = strings.IndexByte(rest, '\n') {
			if !strings.HasSuffix(rest[:end], "\\") {
				rest = rest[:end]
				break
			}
			rest = rest[:end-1] + " " + rest[end+1:]
		}
		if strings.HasSuffix(text[m[0]:m[1]], "`") {
			rest = ""
		}
		if words := shellWords(rest); len(words) > 0 {
			out = append(out, invocation{strings.Count(text[:m[0]], "\n") + 1, words})
		}
	}
	return out
}

// placeholder stands for a word the shell expands ($DB, $(…)) or an ellipsis in the docs.
const placeholder = "PLACEHOLDER"

// shellWords splits a shell command line into words up to its end: a comment, |, ;, &, a
// redirection, a closing parenthesis, or the closing backquote of Markdown. Quotes group, and
// $(…) is part of its word.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			s := w.String()
			if strings.ContainsAny(s, "$…") {
				s = placeholder
			}
			words = append(words, s)
		}
		w.Reset()
		inWord = false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
			continue
		case strings.IndexByte("|;&<>)`", c) >= 0, c == '#' && !inWord:
			flush()
			return words
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if c == '"' {
				end = closingQuote(line[i+1:])
			}
			if end < 0 {
				end = len(line) - i - 1
			}
			w.WriteString(line[i+1 : i+1+end])
			i += end + 1
		case c == '$' && strings.HasPrefix(line[i:], "$("):
			end := closingParen(line[i+2:])
			w.WriteString(line[i : i+2+end])
			i += 2 + end
		default:
			w.WriteByte(c)
		}
		inWord = true
	}
	flush()
	return words
}

// closingQuote returns the index in s of the double quote that ends a quoted word begun just
// before s, passing over $(…); -1 if there is none.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			return i
		case strings.HasPrefix(s[i:], "$("):
			i += 2 + closingParen(s[i+2:])
		}
	}
	return -1
}

// closingParen returns the index in s of the parenthesis that closes one opened just before s,
// or len(s) if there is none.
func closingParen(s string) int {
	depth := 1
	for i := range len(s) {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return len(s)
}

// fromTroff turns the command lines of a man page, its SYNOPSIS and EXAMPLES, into plain text:
// the words of font macros (.B, .IR, …) joined up to the next other macro, the escaped hyphens
// unescaped and the brackets of optional parts dropped.
func fromTroff(src string) string {
	var b strings.Builder
	section := ""
	for line := range strings.Lines(src) {
		line = strings.TrimSuffix(line, "\n")
		macro, text, _ := strings.Cut(line, " ")
		if macro == ".SH" {
			section = strings.Trim(text, `"`)
		}
		switch {
		case section != "SYNOPSIS" && section != "EXAMPLES":
		case !strings.HasPrefix(line, "."):
			b.WriteString(" " + line)
		case len(macro) <= 3 && strings.Trim(macro[1:], "BIR") == "":
			b.WriteString(" " + text)
		default:
			b.WriteString("\n")
		}
	}
	return strings.NewReplacer(`\-`, "-", "[", "", "]", "").Replace(b.String())
}

// checkInvocation checks a command line against the real command tree. The command's name
// alone, as prose refers to it, must name a command; a longer line must parse as the command
// would, without running it.
func checkInvocation(words []string) error {
	ran := false
	root := cli.NewCmdRoot(func(any) error {
		ran = true
		return nil
	})
	if _, rest, err := root.Find(words); err == nil && len(rest) == 0 {
		return nil
	}
	var stderr bytes.Buffer
	root.SetOut(&stderr)
	root.SetErr(&stderr)
	if code := cli.Execute(context.Background(), root, words); code != cli.ExitOK || !ran {
		msg, _, _ := strings.Cut(stderr.String(), "\n")
		return errors.New(cmp.Or(msg, "it did not run"))
	}
	return nil
}
