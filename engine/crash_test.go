//go:build !js

package engine_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/internal/crashtest"
	"github.com/luawasm/luawasm/store/boltstore"
)

// The crash test runs a writer process that commits Lua transactions to
// a bbolt store forever, kills it at random moments, and checks that the
// reopened store holds exactly the state of the last transaction the
// writer reported committed (or of the one it was committing): the
// object level's version of store/boltstore's crash test.

// The number of kills is small for go test ./... and make test; make
// crash sets CRASH_ITERATIONS (or -crash.kills) to thousands.
var crashKills = flag.Int("crash.kills", defaultCrashKills(), "number of times TestCrashConsistency kills the writer (default: $CRASH_ITERATIONS, else 20)")

func defaultCrashKills() int {
	if n, err := strconv.Atoi(os.Getenv("CRASH_ITERATIONS")); err == nil && n > 0 {
		return n
	}
	return 20
}

const crashWriterEnv = "ENGINE_CRASH_WRITER"

func TestMain(m *testing.M) {
	crashtest.WriterMain(crashWriterEnv, runCrashWriter)
	os.Exit(m.Run())
}

// crashStep is transaction n: it derives its changes from n alone, so a
// model replaying the steps knows the state after any of them. It mixes
// new, replaced, changed and deleted records, large values (compressed
// records), a closure's upvalue and a coroutine.
const crashStep = `
local n = (Memory.seq or 0) + 1
local r = n * 7919 % 1000003
local function rnd(m) r = (r * 1103515245 + 12345) % 2147483648 return r % m end
Memory.items = Memory.items or {}
for i = 1, 20 do
  local k = "k" .. rnd(300)
  local op = rnd(10)
  if op < 5 then
    Memory.items[k] = {n = n, i = i, s = string.rep("x", rnd(200)), nested = {n, {n}}}
  elseif op < 7 then
    Memory.items[k] = nil
  elseif Memory.items[k] then
    Memory.items[k].n = -n
    Memory.items[k].nested[2][1] = i
  end
end
if not Memory.counter then
  local c = 0
  Memory.counter = function() c = c + 1 return c end
  Memory.gen = coroutine.wrap(function() local s = 0 while true do s = s + 1 coroutine.yield(s) end end)
end
Memory.count = Memory.counter()
Memory.gened = Memory.gen()
Memory.big = Memory.big or {}
Memory.big[n % 20 + 1] = string.rep("payload " .. n, rnd(600))
Memory.seq = n
`

// crashDump renders Memory canonically (sorted keys; the closure and the
// generator by what they return next, which the dump must not change:
// it reads their upvalues instead).
const crashDump = `
local out = {}
local function dump(v, depth)
  if type(v) ~= "table" then
    if type(v) == "function" then return "function" end
    return type(v) == "string" and string.format("%q", v) or tostring(v)
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. "=" .. dump(v[k], depth + 1) end
  return "{" .. table.concat(parts, ",") .. "}"
end
local c -- nil before the first commit
if Memory.counter then _, c = debug.getupvalue(Memory.counter, 1) end
return dump(Memory, 0) .. " counter=" .. tostring(c)
`

func runCrashWriter(path string, report func(n uint64) error) error {
	b, err := boltstore.Open(path, &boltstore.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	e, err := engine.Open(engine.Options{Backend: b})
	if err != nil {
		return err
	}
	if w := e.Warnings(); len(w) > 0 {
		return fmt.Errorf("warnings at open: %v", w)
	}
	for {
		res, err := e.Eval(crashStep + " return Memory.seq")
		if err != nil {
			return err
		}
		n, _ := res[0].AsInt()
		if err := report(uint64(n)); err != nil {
			return err
		}
	}
}

// crashModel replays the steps in memory.
type crashModel struct {
	e   *engine.Engine
	seq int64
}

func (m *crashModel) advance(t *testing.T, n int64) string {
	for ; m.seq < n; m.seq++ {
		if _, err := m.e.Eval(crashStep); err != nil {
			t.Fatal(err)
		}
	}
	return dumpMemory(t, m.e)
}

func dumpMemory(t *testing.T, e *engine.Engine) string {
	res, err := e.Eval(crashDump)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := res[0].AsString()
	return s
}

func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	model := &crashModel{}
	var err error
	if model.e, err = engine.Open(engine.Options{}); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d kills", seed, *crashKills)
	r := rand.New(rand.NewPCG(seed, 0))
	var reported int64
	beforeCommit, inFlight := 0, 0 // kills that came before the process's first commit, or after an unreported one
	for kill := range *crashKills {
		// Microsecond resolution, so that kills land anywhere in a
		// commit, not on a few phases of the writer's loop.
		w := crashtest.StartWriter(t, crashWriterEnv+"="+path)
		before := reported
		if n := w.KillAfter(time.Duration(20_000+r.IntN(400_000)) * time.Microsecond); n != 0 {
			reported = int64(n)
		}

		b, err := boltstore.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := engine.Open(engine.Options{Backend: b})
		if err != nil {
			t.Fatal(err)
		}
		if w := e.Warnings(); len(w) > 0 {
			t.Fatalf("kill %d: warnings %v", kill, w)
		}
		res, err := e.Eval(`return Memory.seq or 0`)
		if err != nil {
			t.Fatal(err)
		}
		seq, _ := res[0].AsInt()
		if seq != reported && seq != reported+1 {
			t.Fatalf("kill %d: the store holds transaction %d, the writer reported %d", kill, seq, reported)
		}
		if reported == before {
			beforeCommit++
		}
		if seq == reported+1 {
			inFlight++
		}
		if got, want := dumpMemory(t, e), model.advance(t, seq); got != want {
			t.Fatalf("kill %d: state after transaction %d differs from the model:\n got %.300s\nwant %.300s", kill, seq, got, want)
		}
		e.Close()
		reported = seq
	}
	t.Logf("%d transactions; of %d kills, %d came before the process's first commit and %d hit a commit durable but not yet reported",
		reported, *crashKills, beforeCommit, inFlight)
}
