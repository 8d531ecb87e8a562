package cli_test

import (
	"context"
	"testing"

	"fengqiao/center/cli"
)

// TestRegionCommands builds a city, places halls, scopes a user to a county and refuses the
// lines that break the hierarchy.
func TestRegionCommands(t *testing.T) {
	forBackends(t, func(t *testing.T, dsn string) {
		for _, line := range [][]string{
			{"--level", "city", "绍兴市"}, {"--level", "county", "--parent", "绍兴市", "诸暨市"},
			{"--level", "county", "--parent", "绍兴市", "柯桥区"}, {"--level", "town", "--parent", "诸暨市", "城关镇"},
			{"--level", "town", "--parent", "柯桥区", "城关镇"}, {"--level", "town", "--parent", "诸暨市", "枫桥镇"},
		} {
			mustRun(t, "", append([]string{"region", "add", "--db", dsn}, line...)...)
		}
		for _, site := range []string{"枫源村", "城关村", "柯岩村"} {
			mustRun(t, "", "site", "add", "--db", dsn, site)
		}
		mustRun(t, "", "site", "place", "--db", dsn, "--town", "枫桥镇", "枫源村")
		mustRun(t, "", "site", "place", "--db", dsn, "--town", "诸暨市/城关镇", "城关村")
		mustRun(t, "", "site", "place", "--db", dsn, "--town", "柯桥区/城关镇", "柯岩村")
		mustRun(t, "", "site", "place", "--db", dsn, "--town", "", "柯岩村")
		mustRun(t, "", "user", "add", "--db", dsn, "--region", "枫桥镇", "zhuji")
		if u, _, err := openStore(t, dsn).Credentials(context.Background(), "zhuji"); err != nil || u.RegionName != "枫桥镇" {
			t.Errorf("user add --region: %+v, %v", u, err)
		}
		mustRun(t, "", "user", "role", "--db", dsn, "--role", "leader", "--region", "诸暨市", "zhuji")

		tree := mustRun(t, "", "region", "list", "--db", dsn)
		want := "市 绍兴市 (city)\n  县 柯桥区 (county)\n    镇 城关镇 (town)\n  县 诸暨市 (county)\n" +
			"    镇 城关镇 (town)\n      站点 城关村\n    镇 枫桥镇 (town)\n      站点 枫源村\nnot placed: 柯岩村\n"
		if tree != want {
			t.Errorf("region list:\n%s\nwant:\n%s", tree, want)
		}
		u, _, err := openStore(t, dsn).Credentials(context.Background(), "zhuji")
		if err != nil || u.RegionName != "诸暨市" || len(u.RegionSites) != 2 || !u.Scope().Allows(u.RegionSites[0]) {
			t.Errorf("zhuji = %+v, %v; want the county's two halls", u, err)
		}
		if out := mustRun(t, "", "user", "list", "--db", dsn); !row("zhuji", "leader", "诸暨市", "active").MatchString(out) {
			t.Errorf("user list:\n%s", out)
		}
		checkRefused(t, []refused{
			{args: []string{"region", "add", "--db", dsn, "--level", "town", "--parent", "绍兴市", "x"}, code: cli.ExitError, want: `no county named "绍兴市"`},
			{args: []string{"region", "add", "--db", dsn, "--level", "village", "x"}, code: cli.ExitUsage, want: "--level must be"},
			{args: []string{"region", "add", "--db", dsn, "--level", "county", "--parent", "绍兴市", "诸暨市"}, code: cli.ExitError, want: "exists there already"},
			{args: []string{"site", "place", "--db", dsn, "--town", "城关镇", "枫源村"}, code: cli.ExitError, want: "name it by its path"},
			{args: []string{"site", "place", "--db", dsn, "枫源村"}, code: cli.ExitUsage, want: "town"},
			{args: []string{"user", "role", "--db", dsn, "--site", "枫源村", "--region", "诸暨市", "zhuji"}, code: cli.ExitUsage, want: "exclude each other"},
			{args: []string{"user", "add", "--db", dsn, "--site", "枫源村", "--region", "诸暨市", "wang"}, code: cli.ExitUsage, want: "exclude each other"},
		})
	})
}
