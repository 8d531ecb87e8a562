package voice

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCallText(t *testing.T) {
	tests := []struct {
		label  string
		window int
		want   string
	}{
		{"A003", 2, "请A零零三号到二号窗口办理"},
		{"B120", 1, "请B一二零号到一号窗口办理"},
		{"D1000", 10, "请D一零零零号到十号窗口办理"},
		{"C007", 12, "请C零零七号到十二号窗口办理"},
		{"A010", 20, "请A零一零号到二十号窗口办理"},
	}
	for _, tc := range tests {
		if got := CallText(tc.label, tc.window); got != tc.want {
			t.Errorf("CallText(%s, %d) = %s, want %s", tc.label, tc.window, got, tc.want)
		}
	}
}

// fakeSpeech writes a shell script that records each text it is given, with a begin and an end
// line around a short pause, so that overlapping runs would interleave.
func fakeSpeech(t *testing.T) (Command, string) {
	dir := t.TempDir()
	log := filepath.Join(dir, "spoken.txt")
	script := filepath.Join(dir, "say.sh")
	body := "#!/bin/sh\necho \"begin $1\" >> '" + log + "'\nsleep 0.02\necho \"end $1\" >> '" + log + "'\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return Command{Argv: []string{script}}, log
}

// spoken reads the fake's log, checks that no two runs overlapped and returns the texts in order.
func spoken(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var out []string
	for i := 0; i+1 < len(lines); i += 2 {
		text, ok := strings.CutPrefix(lines[i], "begin ")
		if !ok || lines[i+1] != "end "+text {
			t.Fatalf("speech overlapped or was cut off at line %d: %q", i, lines)
		}
		out = append(out, text)
	}
	if len(lines)%2 != 0 {
		t.Fatalf("odd log: %q", lines)
	}
	return out
}

func TestQueueWithCommand(t *testing.T) {
	tests := []struct {
		name   string
		repeat int
		calls  []string
		want   []string
	}{
		{"one call is repeated", 2, []string{"请A零零一号到一号窗口办理"},
			[]string{"请A零零一号到一号窗口办理", "请A零零一号到一号窗口办理"}},
		{"repeat three", 3, []string{"X"}, []string{"X", "X", "X"}},
		{"piled-up calls are spoken once each, in order", 2, []string{"A", "B", "C", "D"},
			[]string{"A", "B", "C", "D", "D"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd, log := fakeSpeech(t)
			q := NewQueue(cmd, tc.repeat)
			q.Gap = 0
			for _, c := range tc.calls {
				q.Say(c)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			sp := &countingSpeaker{inner: cmd, want: len(tc.want), done: done}
			q.speaker = sp
			go q.Run(ctx)
			<-done
			cancel()
			got := spoken(t, log)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("spoken %q, want %q", got, tc.want)
			}
		})
	}
}

// countingSpeaker closes done after want texts have been spoken in full.
type countingSpeaker struct {
	inner Speaker
	n     int
	want  int
	done  chan struct{}
}

func (c *countingSpeaker) Speak(ctx context.Context, text string) error {
	err := c.inner.Speak(ctx, text)
	c.n++
	if c.n == c.want {
		close(c.done)
	}
	return err
}

// blockingSpeaker lets the test decide when each text finishes.
type blockingSpeaker struct {
	started chan string
	release chan struct{}
}

func (b *blockingSpeaker) Speak(ctx context.Context, text string) error {
	b.started <- text
	<-b.release
	return nil
}

// A call made while another is spoken waits for it: the first is finished (and, with others
// waiting, not repeated), then the new one is spoken with its repeats.
func TestQueueNewCallNeverCutsOff(t *testing.T) {
	b := &blockingSpeaker{started: make(chan string), release: make(chan struct{})}
	q := NewQueue(b, 2)
	q.Gap = 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go q.Run(ctx)
	q.Say("first")
	if got := <-b.started; got != "first" {
		t.Fatalf("started %q", got)
	}
	q.Say("second") // arrives while "first" is being spoken
	q.Say("third")
	b.release <- struct{}{} // "first" finishes; it is not repeated since others wait
	var order []string
	for i := 0; i < 3; i++ {
		order = append(order, <-b.started)
		b.release <- struct{}{}
	}
	if want := "second|third|third"; strings.Join(order, "|") != want {
		t.Fatalf("order %q, want %s", order, want)
	}
}

func TestNewPicksCommand(t *testing.T) {
	if c, ok := New("my-tts --fast").(Command); !ok || strings.Join(c.Argv, " ") != "my-tts --fast" {
		t.Fatalf("New(command) = %#v", New("my-tts --fast"))
	}
	if len(chimeWAV()) < 1000 {
		t.Fatal("chime too short")
	}
}
