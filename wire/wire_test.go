package wire_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"fengqiao/app"
	"fengqiao/wire"
)

// TestJSON pins the bodies byte for byte: halls in the field and the centre may run different
// releases, so a renamed field or a lost omitempty is a protocol break, not a refactoring.
func TestJSON(t *testing.T) {
	at := time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"push", &wire.PushRequest{Events: []wire.Event{
			{ID: 7, At: at, Kind: "case.opened", Body: json.RawMessage(`{"kind":"case.opened"}`), Private: json.RawMessage(`{"name":"张三"}`)},
			{ID: 8, At: at, Kind: "ticket.called", Body: json.RawMessage(`{}`)},
		}}, `{"events":[` +
			`{"id":7,"at":"2025-03-04T09:30:00Z","kind":"case.opened","body":{"kind":"case.opened"},"private":{"name":"张三"}},` +
			`{"id":8,"at":"2025-03-04T09:30:00Z","kind":"ticket.called","body":{}}]}`},
		{"push with backlog and catalogue", &wire.PushRequest{Events: []wire.Event{}, Backlog: 3, Catalogue: &wire.Catalogue{
			Name: "枫源村", Phone: "0575-1", TimeZone: "Asia/Shanghai", Hours: "周一至周五 08:30-12:00", Weekdays: []int{1, 2, 3, 4, 5},
			Periods: []string{"08:30-12:00"}, Services: []app.Service{{Code: "mediation", Name: "矛盾纠纷调解", Prefix: "D",
				Categories: []string{"邻里纠纷"}, HandleDays: 30, Dispute: true}}}},
			`{"events":[],"backlog":3,"catalogue":{"name":"枫源村","phone":"0575-1","time_zone":"Asia/Shanghai",` +
				`"hours":"周一至周五 08:30-12:00","weekdays":[1,2,3,4,5],"periods":["08:30-12:00"],"services":[{"code":"mediation",` +
				`"name":"矛盾纠纷调解","prefix":"D","categories":["邻里纠纷"],"handle_days":30,"dispute":true}]}}`},
		{"push reply", &wire.PushReply{AppliedThrough: 812, Applied: 7}, `{"applied_through":812,"applied":7}`},
		{"push reply, all duplicates", &wire.PushReply{AppliedThrough: 812}, `{"applied_through":812,"applied":0}`},
		{"changes", &wire.ChangesReply{Changes: []wire.Change{
			{Seq: 1, At: at, Code: "FQ-1", Kind: wire.ChangeStatus, Change: &app.CaseChange{Status: app.CaseAccepted, By: "李四"}},
			{Seq: 2, At: at, Code: "FQ-1", Kind: wire.ChangeFollowUp, Note: "已回访", By: "李四"},
		}}, `{"changes":[` +
			`{"seq":1,"at":"2025-03-04T09:30:00Z","code":"FQ-1","kind":"status","change":{"status":"accepted","by":"李四"}},` +
			`{"seq":2,"at":"2025-03-04T09:30:00Z","code":"FQ-1","kind":"followup","note":"已回访","by":"李四"}]}`},
		{"no changes", &wire.ChangesReply{Changes: []wire.Change{}}, `{"changes":[]}`},
		{"error", &wire.ErrorReply{Error: "unknown token", Code: "unauthorized"}, `{"error":"unknown token","code":"unauthorized"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("marshal:\n got %s\nwant %s", got, tt.want)
			}
			back := reflect.New(reflect.TypeOf(tt.v).Elem()).Interface()
			if err := json.Unmarshal([]byte(tt.want), back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if !reflect.DeepEqual(back, tt.v) {
				t.Errorf("round trip:\n got %+v\nwant %+v", back, tt.v)
			}
		})
	}
}
