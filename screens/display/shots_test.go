package display

import (
	"os"
	"testing"

	"fengqiao/app"
)

func testInfo() app.Info {
	return app.Info{Name: "枫桥镇社会治理综合服务中心", Services: app.DefaultServices(),
		Windows: []app.Window{
			{ID: 1, Name: "1号窗口", Services: []string{"petition", "hotline"}},
			{ID: 2, Name: "2号窗口", Services: []string{"legal", "mediation"}},
			{ID: 3, Name: "3号窗口", Services: []string{"petition", "legal", "hotline", "mediation"}}}}
}

func TestScreenshots(t *testing.T) {
	dir := os.Getenv("FENGQIAO_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := Screenshots(dir, testInfo()); err != nil {
		t.Fatal(err)
	}
}
