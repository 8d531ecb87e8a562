package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fengqiao/app"
	"fengqiao/center"
	"fengqiao/center/centertest"
	"fengqiao/center/cli"
	"fengqiao/wire"
)

func TestParseGrid(t *testing.T) {
	checkParse(t, []parseCase{
		{name: "a big grid", args: "grid add --db X --village 枫源村 第一网格",
			want: &cli.GridOptions{DB: "X", Command: "add", Args: []string{"第一网格"}, Village: "枫源村"}},
		{name: "a small grid", args: "grid add --db X --village 枫源村 --big 第一网格 一组",
			want: &cli.GridOptions{DB: "X", Command: "add", Args: []string{"一组"}, Village: "枫源村", Big: "第一网格"}},
		{name: "list one village", args: "grid list --db X --village 枫源村",
			want: &cli.GridOptions{DB: "X", Command: "list", Args: []string{}, Village: "枫源村"}},
		{name: "member add", args: "grid member add --db X wang 枫源村/一组",
			want: &cli.GridOptions{DB: "X", Command: "member add", Args: []string{"wang", "枫源村/一组"}}},
		{name: "member remove", args: "grid member remove --db X wang 7",
			want: &cli.GridOptions{DB: "X", Command: "member remove", Args: []string{"wang", "7"}}},
		{name: "add without village", args: "grid add --db X 第一网格", wantErr: "--village is required"},
		{name: "member without grid", args: "grid member add --db X wang", wantErr: "missing GRID"},
		{name: "unknown grid command", args: "grid move --db X", wantErr: `unknown command "move"`},
	})
}

// TestGridCommands sets up two villages' grids with the real commands and binds a 网格员 and a
// 网格长: the tree lists them, and the wrong bindings are refused with their reason.
func TestGridCommands(t *testing.T) {
	forBackends(t, func(t *testing.T, dsn string) {
		for _, args := range [][]string{
			{"site", "add", "枫源村"}, {"site", "add", "栎桥村"},
			{"grid", "add", "--village", "枫源村", "第一网格"},
			{"grid", "add", "--village", "枫源村", "--big", "第一网格", "一组"},
			{"grid", "add", "--village", "枫源村", "--big", "第一网格", "二组"},
			{"grid", "add", "--village", "栎桥村", "第一网格"},
			{"grid", "add", "--village", "栎桥村", "--big", "第一网格", "一组"},
			{"user", "add", "--role", "gridworker", "--site", "枫源村", "wang"},
			{"user", "add", "--role", "gridleader", "li"},
			{"user", "add", "--role", "staff", "zhao"},
			{"grid", "member", "add", "wang", "枫源村/一组"},
			{"grid", "member", "add", "wang", "二组"},
			{"grid", "member", "add", "li", "枫源村/第一网格"},
		} {
			mustRun(t, "", append(args, "--db", dsn)...)
		}
		out := mustRun(t, "", "grid", "list", "--db", dsn)
		want := "枫源村\n  1 第一网格  — li (gridleader)\n    2 一组  — wang (gridworker)\n    3 二组  — wang (gridworker)\n" +
			"栎桥村\n  4 第一网格\n    5 一组\n"
		if out != want {
			t.Errorf("grid list:\n%s\nwant\n%s", out, want)
		}
		checkRefused(t, []refused{
			{args: []string{"grid", "member", "add", "wang", "枫源村/第一网格", "--db", dsn}, code: cli.ExitError, want: "belongs to small grids"},
			{args: []string{"grid", "member", "add", "li", "二组", "--db", dsn}, code: cli.ExitError, want: "leads a big grid"},
			{args: []string{"grid", "member", "add", "zhao", "二组", "--db", dsn}, code: cli.ExitError, want: "only users of role"},
			{args: []string{"grid", "member", "add", "wang", "栎桥村/一组", "--db", dsn}, code: cli.ExitError, want: "scoped to another village"},
			{args: []string{"grid", "member", "add", "wang", "一组", "--db", dsn}, code: cli.ExitError, want: "write it VILLAGE/一组"},
			{args: []string{"grid", "add", "--village", "枫源村", "一组", "--db", dsn}, code: cli.ExitError, want: "has a grid named"},
			{args: []string{"grid", "add", "--village", "枫源村", "--big", "一组", "三组", "--db", dsn}, code: cli.ExitError, want: "is a small grid"},
			{args: []string{"grid", "member", "remove", "wang", "栎桥村/一组", "--db", dsn}, code: cli.ExitError, want: "not a member"},
		})
		mustRun(t, "", "grid", "member", "remove", "wang", "二组", "--db", dsn)
		grids, err := openStore(t, dsn).Grids(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grids {
			if g.ID == 3 && len(g.Members) != 0 || g.ID == 2 && len(g.Members) != 1 {
				t.Errorf("after member remove, grid %d has %v", g.ID, g.Members)
			}
		}
		if out := mustRun(t, "", "grid", "list", "--village", "栎桥村", "--db", dsn); strings.Contains(out, "枫源村") {
			t.Errorf("grid list --village 栎桥村 shows another village:\n%s", out)
		}
	})
}

// TestServeIDKey: serve refuses a missing or short key file; with a good one it hashes the ID
// numbers of the cases synced before, as it starts.
func TestServeIDKey(t *testing.T) {
	dir := t.TempDir()
	short, good := filepath.Join(dir, "short.key"), filepath.Join(dir, "id.key")
	os.WriteFile(short, []byte("0123456789"), 0o600)
	os.WriteFile(good, bytes.Repeat([]byte{0x5a}, 32), 0o600)
	dsn := centertest.SQLite(t)
	st := openStore(t, dsn)
	ctx := context.Background()
	_, hash := center.NewToken()
	site, err := st.AddSite(ctx, "枫源村", hash)
	if err != nil {
		t.Fatal(err)
	}
	h := centertest.NewHall(t)
	if _, err := h.Issue(ctx, app.IssueRequest{Service: "mediation", Category: "邻里纠纷",
		Visitor: &app.Visitor{IDNumber: centertest.IDNumber(3), Name: "张三"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ApplyBatch(ctx, site.ID, wire.PushRequest{Events: centertest.Outbox(t, h.DB(), 0)}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, want string }{
		{filepath.Join(dir, "none.key"), "read the ID key"},
		{short, "needs at least 32"},
	} {
		code, _, errOut := run(ctx, t, "", "serve", "--db", dsn, "--listen", freeAddr(t), "--id-key", tt.file)
		if code != cli.ExitError || !strings.Contains(errOut, tt.want) {
			t.Errorf("--id-key %s: exit %d, %q; want %q", tt.file, code, errOut, tt.want)
		}
	}
	addr := freeAddr(t)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan int, 1)
	go func() {
		code, _, _ := run(sctx, t, "", "serve", "--db", dsn, "--listen", addr, "--id-key", good)
		served <- code
	}()
	waitServing(t, "http://"+addr, served)
	var got string
	if err := st.DB().QueryRowContext(ctx, "SELECT id_hash FROM cases").Scan(&got); err != nil ||
		got != app.IDHash(bytes.Repeat([]byte{0x5a}, 32), centertest.IDNumber(3)) {
		t.Errorf("after serve started with the key, id_hash = %q, %v", got, err)
	}
	cancel()
	<-served
}
