package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestHallBinaryDeps keeps each binary to its own side: the hall (this package) speaks to the
// centre only through package wire and carries no test or spreadsheet code, and the centre links
// no GUI. A failure names each package that should not be there and the import chain that pulls
// it in.
func TestHallBinaryDeps(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go tool is not on PATH")
	}
	tests := []struct {
		name   string
		pkg    string
		banned []string // import paths, each with everything under it
	}{
		{"hall", ".", []string{
			"fengqiao/center",             // the centre's domain, storage and web pages
			"github.com/xuri/excelize",    // the centre's spreadsheet export
			"github.com/jackc/pgx",        // the centre's PostgreSQL driver
			"testing",                     // test code
			"github.com/stretchr/testify", // test code
			"fyne.io/fyne/v2/test",        // Fyne's test driver
		}},
		{"centre", "./cmd/fengqiao-center", []string{
			"fengqiao/screens", // the hall's screens
			"fyne.io/fyne",     // any GUI
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := importGraph(t, tt.pkg)
			var bad []string
			for _, p := range g.paths() {
				if slices.ContainsFunc(tt.banned, func(b string) bool { return under(p, b) }) {
					bad = append(bad, "\t"+p+"\n\t\tvia "+strings.Join(g.chain(p), " → "))
				}
			}
			if len(bad) > 0 {
				t.Errorf("%s (%s) links %d packages it must not:\n%s", tt.pkg, g.root, len(bad), strings.Join(bad, "\n"))
			}
		})
	}
}

// under reports whether the import path p is path or below it.
func under(p, path string) bool {
	return p == path || strings.HasPrefix(p, path+"/")
}

// graph is the import graph of a package and its dependencies, as go list reports it.
type graph struct {
	root    string
	imports map[string][]string
}

// importGraph runs go list -deps on pkg.
func importGraph(t *testing.T, pkg string) graph {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, pkg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr.Bytes())
	}
	g := graph{imports: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		g.root = fields[0] // -deps lists each package after its dependencies: the last is pkg
		g.imports[fields[0]] = fields[1:]
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	if g.root == "" {
		t.Fatalf("go list -deps %s: no packages", pkg)
	}
	return g
}

// paths returns every package of the graph, sorted.
func (g graph) paths() []string {
	var ps []string
	for p := range g.imports {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// chain returns a shortest import chain from the root to p, both included.
func (g graph) chain(p string) []string {
	from := map[string]string{g.root: ""}
	queue := []string{g.root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == p {
			var c []string
			for ; cur != ""; cur = from[cur] {
				c = append(c, cur)
			}
			slices.Reverse(c)
			return c
		}
		for _, next := range g.imports[cur] {
			if _, seen := from[next]; !seen {
				from[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return []string{g.root, "…", p} // not reachable through the listed imports
}
