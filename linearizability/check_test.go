package linearizability_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	lin "github.com/kuota/kuota/linearizability"
)

// explainOpsMax bounds the operations a failure report lists.
const explainOpsMax = 80

// verdict checks a history against the model within timeout and returns
// porcupine's result and how long the check took.
func verdict(model porcupine.Model, ops []porcupine.Operation, timeout time.Duration) (porcupine.CheckResult, time.Duration) {
	began := time.Now()
	res := porcupine.CheckOperationsTimeout(model, ops, timeout)
	return res, time.Since(began)
}

// requireLinearizable fails the test unless the history is linearizable:
// Illegal with a report of the failing office, Unknown (the check timed
// out) as loudly, since a check that gave up has proved nothing.
func requireLinearizable(t *testing.T, name string, model porcupine.Model, ops []porcupine.Operation, timeout time.Duration) time.Duration {
	t.Helper()
	res, took := verdict(model, ops, timeout)
	switch res {
	case porcupine.Ok:
	case porcupine.Unknown:
		t.Fatalf("%s: porcupine gave up after %v on %d operations: Unknown is not a pass; raise -lin.timeout or lower -lin.ops", name, timeout, len(ops))
	default:
		t.Errorf("%s: NOT LINEARIZABLE (%d operations, checked in %v)\n%s", name, len(ops), took, explain(model, ops, name, timeout))
	}
	return took
}

// explain finds the offices whose histories are not linearizable and, for
// the first, lists porcupine's longest linearization of it (the state
// after each step) and then the operations that could not follow it, in
// call order; with -lin.viz it also writes porcupine's HTML view.
func explain(model porcupine.Model, ops []porcupine.Operation, name string, timeout time.Duration) string {
	var sb strings.Builder
	for _, part := range model.Partition(ops) {
		res, info := porcupine.CheckOperationsVerbose(model, part, timeout)
		if res == porcupine.Ok {
			continue
		}
		office := part[0].Input.(lin.Input).Office
		fmt.Fprintf(&sb, "office %s: %v, %d operations\n", office, res, len(part))
		if *flagViz != "" {
			path := filepath.Join(*flagViz, strings.NewReplacer("/", "_", " ", "_").Replace(name)+"-"+office+".html")
			if err := os.MkdirAll(*flagViz, 0o755); err == nil && porcupine.VisualizePath(model, info, path) == nil {
				fmt.Fprintf(&sb, "visualization: %s\n", path)
			}
		}
		describeLongest(&sb, model, info.PartialLinearizationsOperations()[0], part)
		break
	}
	return sb.String()
}

// describeLongest writes the longest partial linearization found, with
// the model's state after each step, then the operations left out.
func describeLongest(sb *strings.Builder, model porcupine.Model, partials [][]porcupine.Operation, part []porcupine.Operation) {
	var longest []porcupine.Operation
	for _, p := range partials {
		if len(p) > len(longest) {
			longest = p
		}
	}
	t0 := part[0].Call
	for _, op := range part {
		t0 = min(t0, op.Call)
	}
	line := func(op porcupine.Operation) string {
		return fmt.Sprintf("[%8.1f µs … %8.1f µs] c%-2d %s", float64(op.Call-t0)/1e3, float64(op.Return-t0)/1e3,
			op.ClientId, lin.Describe(op.Input.(lin.Input), op.Output.(lin.Output)))
	}
	fmt.Fprintf(sb, "longest linearization found (%d of %d operations), last %d:\n", len(longest), len(part), min(len(longest), explainOpsMax/2))
	st := model.Init()
	type opKey struct { // unique per operation: a client calls one at a time
		call   int64
		client int
		kind   lin.Kind
	}
	key := func(op porcupine.Operation) opKey { return opKey{op.Call, op.ClientId, op.Input.(lin.Input).Kind} }
	placed := map[opKey]bool{}
	for i, op := range longest {
		_, st = model.Step(st, op.Input, op.Output)
		placed[key(op)] = true
		if i >= len(longest)-explainOpsMax/2 {
			fmt.Fprintf(sb, "  %s\n      ⇒ %s\n", line(op), model.DescribeState(st))
		}
	}
	left := slices.DeleteFunc(slices.Clone(part), func(op porcupine.Operation) bool { return placed[key(op)] })
	slices.SortFunc(left, func(a, b porcupine.Operation) int { return int(a.Call - b.Call) })
	// The operations that could have come next: called before the first
	// of the rest returned. The model refused every one of them here.
	firstReturn := left[0].Return
	for _, op := range left {
		firstReturn = min(firstReturn, op.Return)
	}
	fmt.Fprintf(sb, "none of these could come next (called before %.1f µs, each refused by the model in the last state):\n", float64(firstReturn-t0)/1e3)
	for _, op := range left {
		if op.Call <= firstReturn {
			fmt.Fprintf(sb, "  %s\n", line(op))
		}
	}
	fmt.Fprintf(sb, "operations not linearized (%d), first %d by call:\n", len(left), min(len(left), explainOpsMax/2))
	for _, op := range left[:min(len(left), explainOpsMax/2)] {
		fmt.Fprintf(sb, "  %s\n", line(op))
	}
}

// tally counts a run's operations by kind and outcome, to show what the
// histories exercised.
type tally struct {
	histories, ops int
	by             [lin.KindLeave + 1][lin.Unexpected + 1]int
	run, check     time.Duration
}

func (ta *tally) add(ops []porcupine.Operation) {
	ta.histories++
	ta.ops += len(ops)
	for _, op := range ops {
		ta.by[op.Input.(lin.Input).Kind][op.Output.(lin.Output).Outcome]++
	}
}

func (ta *tally) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d histories, %d operations checked (recording %v, checking %v)", ta.histories, ta.ops, ta.run.Round(time.Millisecond), ta.check.Round(time.Millisecond))
	for k := lin.KindHold; k <= lin.KindLeave; k++ {
		var counts []string
		for o, n := range ta.by[k] {
			if n > 0 {
				counts = append(counts, fmt.Sprintf("%v %d", lin.Outcome(o), n))
			}
		}
		fmt.Fprintf(&sb, "\n  %-10v %s", k, strings.Join(counts, ", "))
	}
	return sb.String()
}
