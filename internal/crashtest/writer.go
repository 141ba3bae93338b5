package crashtest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// A Writer is a writer process: a copy of the test binary that WriterMain
// turns into a writer. It prints the number of each commit once the
// commit is durable, one per line.
type Writer struct {
	t       testing.TB
	cmd     *exec.Cmd
	stderr  bytes.Buffer
	reports chan uint64
	last    uint64
}

// WriterMain, called first in TestMain, makes this process a writer when
// the environment variable env is set: it calls write with env's value and
// a function that reports a durable commit, and exits (a writer stops only
// when killed, or on an error, which goes to stderr).
func WriterMain(env string, write func(arg string, report func(n uint64) error) error) {
	arg := os.Getenv(env)
	if arg == "" {
		return
	}
	err := write(arg, func(n uint64) error {
		_, err := fmt.Println(n)
		return err
	})
	fmt.Fprintln(os.Stderr, "writer:", err)
	os.Exit(2)
}

// StartWriter starts the test binary as a writer, with env ("NAME=value"
// settings, among them the one WriterMain looks for) added to its
// environment.
func StartWriter(t testing.TB, env ...string) *Writer {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w := &Writer{t: t, cmd: exec.Command(exe, "-test.run=^$"), reports: make(chan uint64)}
	w.cmd.Env = append(os.Environ(), env...)
	w.cmd.Stderr = &w.stderr
	out, err := w.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.reports)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			n, err := strconv.ParseUint(sc.Text(), 10, 64)
			if err != nil {
				t.Errorf("writer printed %q", sc.Text())
			}
			w.reports <- n
		}
	}()
	return w
}

// WaitReport waits until the writer reports a commit, at most timeout.
func (w *Writer) WaitReport(timeout time.Duration) {
	w.t.Helper()
	select {
	case n, ok := <-w.reports:
		w.record(n, ok, "before its first commit")
	case <-time.After(timeout):
		w.cmd.Process.Kill()
		w.cmd.Wait()
		w.t.Fatalf("writer made no commit in %v:\n%s", timeout, w.stderr.Bytes())
	}
}

// record takes report n, or fails the test if the writer stopped (!ok)
// before it was killed.
func (w *Writer) record(n uint64, ok bool, when string) {
	w.t.Helper()
	if !ok {
		w.cmd.Wait()
		w.t.Fatalf("writer stopped %s:\n%s", when, w.stderr.Bytes())
	}
	w.last = n
}

// KillAfter lets the writer run for d more, kills it with SIGKILL and
// returns the number of the last commit it reported, 0 if none.
func (w *Writer) KillAfter(d time.Duration) uint64 {
	w.t.Helper()
	kill := time.After(d)
	for killed := false; !killed; {
		select {
		case n, ok := <-w.reports:
			w.record(n, ok, "on its own")
		case <-kill:
			killed = true
		}
	}
	if err := w.cmd.Process.Kill(); err != nil {
		w.t.Fatal(err)
	}
	for n := range w.reports { // what it printed before dying
		w.last = n
	}
	w.cmd.Wait()
	return w.last
}
