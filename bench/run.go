package bench

import (
	"fmt"
	"os"
	"slices"
)

// Scenarios lists the scenarios by the names the -scenarios flag takes.
var Scenarios = []string{"rush", "roomy", "national", "steady", "recovery"}

// scenarioNames gives each scenario's name in a Result.
var scenarioNames = map[string]string{
	"rush": "office rush", "roomy": "roomy rush", "national": "national rush",
	"steady": "steady day", "recovery": "recovery",
}

// Run runs each scenario on each system, each on a fresh clock and in a
// fresh directory under dir, and returns the results in order.
func Run(scenarios, systems []string, dir string, cfg Config) ([]Result, error) {
	var out []Result
	for _, sc := range scenarios {
		if !slices.Contains(Scenarios, sc) {
			return out, fmt.Errorf("bench: unknown scenario %q (want one of %v)", sc, Scenarios)
		}
		for _, kind := range systems {
			r, err := runOne(sc, kind, dir, cfg)
			if err != nil {
				return out, fmt.Errorf("%s on %s: %w", sc, kind, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// notRunOnSeats is the note of the scenarios QuotaSeats does not run.
const notRunOnSeats = "not run: " + QuotaSeats + " keeps no holds to let lapse, pay, change or recover"

func runOne(scenario, kind, dir string, cfg Config) (Result, error) {
	if kind == QuotaSeats && scenario != "rush" && scenario != "roomy" {
		return Result{Scenario: scenarioNames[scenario], System: kind, Note: notRunOnSeats}, nil
	}
	sub, err := os.MkdirTemp(dir, scenario+"-"+kind+"-")
	if err != nil {
		return Result{}, err
	}
	defer os.RemoveAll(sub)
	clk := &Clock{}
	if scenario == "recovery" {
		return Recovery(kind, clk, sub, cfg)
	}
	// A limit above any family of applicants a run makes: the scenarios
	// measure the rush, not the hold limit.
	sys, err := NewSystem(kind, clk, sub, 3, cfg.NoSync)
	if err != nil {
		return Result{}, err
	}
	defer sys.Close()
	switch scenario {
	case "rush":
		return OfficeRush(sys, clk, cfg)
	case "roomy":
		return RoomyRush(sys, clk, cfg)
	case "national":
		return NationalRush(sys, clk, cfg)
	default:
		return SteadyDay(sys, clk, cfg)
	}
}
