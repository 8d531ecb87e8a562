// Package voice speaks the hall's calls (请A零零三号到二号窗口办理) offline, strictly one at a
// time in call order: espeak-ng's Mandarin voice, a configured speech command, or a chime where
// neither exists.
package voice

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

var digits = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// ReadDigits spells every ASCII digit of s in Chinese, one by one, and keeps every other
// character: A003 → A零零三.
func ReadDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteString(digits[r-'0'])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WindowNumber reads a window number in Chinese: 2 → 二, 10 → 十, 12 → 十二, 20 → 二十. Halls
// have few windows; from 100 on the digits are read one by one.
func WindowNumber(n int) string {
	switch {
	case n >= 0 && n < 10:
		return digits[n]
	case n >= 10 && n < 100:
		s := ""
		if n/10 > 1 {
			s = digits[n/10]
		}
		s += "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return ReadDigits(strconv.Itoa(n))
}

// CallText is what is spoken for a call: 请A零零三号到二号窗口办理. It always names the window.
func CallText(label string, window int) string {
	return "请" + ReadDigits(label) + "号到" + WindowNumber(window) + "号窗口办理"
}

// Speaker says one text and returns when it has finished.
type Speaker interface {
	Speak(ctx context.Context, text string) error
}

// Command speaks by running a program with the text as its last argument, e.g.
// espeak-ng -v cmn -s 140 "请A零零三号到二号窗口办理".
type Command struct {
	Argv []string
}

// Speak implements Speaker.
func (c Command) Speak(ctx context.Context, text string) error {
	if len(c.Argv) == 0 {
		return errors.New("voice: empty speech command")
	}
	args := append(append([]string{}, c.Argv[1:]...), text)
	cmd := exec.CommandContext(ctx, c.Argv[0], args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("voice: %s: %w: %s", filepath.Base(c.Argv[0]), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Chime plays a two-tone chime instead of speech, through the first of aplay, paplay or afplay
// found; with none of them it stays silent.
type Chime struct {
	once   sync.Once
	player []string
	file   string
}

// Speak implements Speaker: it ignores the text.
func (c *Chime) Speak(ctx context.Context, _ string) error {
	c.once.Do(c.prepare)
	if c.player == nil {
		return nil
	}
	return Command{Argv: c.player}.Speak(ctx, c.file)
}

func (c *Chime) prepare() {
	for _, p := range [][]string{{"aplay", "-q"}, {"paplay"}, {"afplay"}} {
		if path, err := exec.LookPath(p[0]); err == nil {
			f, err := os.CreateTemp("", "fengqiao-chime-*.wav")
			if err != nil {
				slog.Warn("voice: cannot write the chime", "err", err)
				return
			}
			f.Write(chimeWAV())
			f.Close()
			c.file, c.player = f.Name(), append([]string{path}, p[1:]...)
			return
		}
	}
	slog.Warn("voice: no speech command and no audio player; calls are shown but not heard")
}

// chimeWAV returns a short ding-dong as 16-bit mono PCM WAV.
func chimeWAV() []byte {
	const rate = 22050
	var pcm []int16
	for _, tone := range []struct {
		hz  float64
		dur float64
	}{{880, 0.45}, {660, 0.7}} {
		n := int(tone.dur * rate)
		for i := 0; i < n; i++ {
			t := float64(i) / rate
			env := math.Exp(-3 * t / tone.dur)
			pcm = append(pcm, int16(0.5*32767*env*math.Sin(2*math.Pi*tone.hz*t)))
		}
	}
	var b bytes.Buffer
	size := uint32(len(pcm) * 2)
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, 36+size)
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)})
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, size)
	binary.Write(&b, binary.LittleEndian, pcm)
	return b.Bytes()
}

// New returns the speaker for a configured speech command: the command if set, else espeak-ng's
// Mandarin voice if installed, else a chime.
func New(command string) Speaker {
	if f := strings.Fields(command); len(f) > 0 {
		return Command{Argv: f}
	}
	if path, err := exec.LookPath("espeak-ng"); err == nil {
		return Command{Argv: []string{path, "-v", "cmn"}}
	}
	return &Chime{}
}

// Queue speaks texts one at a time in the order they were queued. A text is spoken Repeat
// times, unless others are waiting: when calls pile up, each is spoken once. A new text never
// cuts off the one being spoken.
type Queue struct {
	speaker Speaker
	repeat  int
	// Gap is the pause between two repetitions of a text.
	Gap time.Duration

	mu      sync.Mutex
	pending []string
	wake    chan struct{}
}

// NewQueue returns a queue speaking through s, each text repeat times (at least once).
func NewQueue(s Speaker, repeat int) *Queue {
	return &Queue{speaker: s, repeat: max(repeat, 1), Gap: 400 * time.Millisecond, wake: make(chan struct{}, 1)}
}

// Say queues a text. It never blocks.
func (q *Queue) Say(text string) {
	q.mu.Lock()
	q.pending = append(q.pending, text)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Pending returns how many texts wait to be spoken.
func (q *Queue) Pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

func (q *Queue) next() (string, bool, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return "", false, false
	}
	t := q.pending[0]
	q.pending = q.pending[1:]
	return t, len(q.pending) > 0, true
}

// Run speaks queued texts until ctx ends.
func (q *Queue) Run(ctx context.Context) {
	for {
		text, backlog, ok := q.next()
		if !ok {
			select {
			case <-q.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		times := q.repeat
		if backlog {
			times = 1
		}
		for i := 0; i < times && ctx.Err() == nil; i++ {
			if i > 0 {
				if q.Pending() > 0 {
					break // others are waiting: this one has been heard once
				}
				select {
				case <-time.After(q.Gap):
				case <-ctx.Done():
					return
				}
			}
			if err := q.speaker.Speak(ctx, text); err != nil && ctx.Err() == nil {
				slog.Warn("voice: speaking failed", "err", err) // the text is a ticket number, not personal data
			}
		}
	}
}
