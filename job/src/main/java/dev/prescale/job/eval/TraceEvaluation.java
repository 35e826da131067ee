package dev.prescale.job.eval;

import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.models.Forecaster;
import dev.prescale.models.trace.Trace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything measured on one trace: the policy under test replayed with {@link OfflineReplay}, its
 * figures and those of the references (oracle, reactive, reactive-warm, seasonal), on the whole
 * scored window and on its first and second halves (for held-out checks).
 */
public final class TraceEvaluation {

    /** Names of the policies in reports, the policy under test first. */
    public static final List<String> REFERENCES = List.of("oracle", "reactive", "reactive-warm", "seasonal");

    public final Trace trace;
    public final CloudGroupSimulator simulator;
    public final String policyName;
    public final List<OfflineReplay.Step> steps;
    /** Per policy name: whole scored window. */
    public final Map<String, SimulationResult> whole = new LinkedHashMap<>();
    /** Per policy name: first half of the scored window. */
    public final Map<String, SimulationResult> firstHalf = new LinkedHashMap<>();
    /** Per policy name: second half of the scored window. */
    public final Map<String, SimulationResult> secondHalf = new LinkedHashMap<>();

    private TraceEvaluation(Trace trace, CloudGroupSimulator simulator, String policyName, List<OfflineReplay.Step> steps) {
        this.trace = trace;
        this.simulator = simulator;
        this.policyName = policyName;
        this.steps = steps;
    }

    /** Replays {@code policy} on the trace and scores it beside the references. */
    public static TraceEvaluation evaluate(Trace trace, ScalingPolicy policy, Forecaster forecaster, int historyDays) {
        CloudGroupSimulator sim = new CloudGroupSimulator(trace);
        List<OfflineReplay.Step> steps = new OfflineReplay(policy, forecaster, historyDays, 12).replay(trace, sim.capacityUnit());
        return score(trace, sim, "prescale-" + policy.mode, steps, OfflineReplay.decisions(steps));
    }

    /** Scores a given decision log (from any replay path) beside the references. */
    public static TraceEvaluation score(Trace trace, CloudGroupSimulator sim, String policyName, List<OfflineReplay.Step> steps,
            List<Decision> decisions) {
        TraceEvaluation e = new TraceEvaluation(trace, sim, policyName, steps);
        int from = sim.firstScoredStep();
        int n = trace.size();
        int mid = from + (n - from) / 2;
        Map<String, List<Decision>> logs = new LinkedHashMap<>();
        logs.put(policyName, decisions);
        logs.put("reactive", ReferencePolicies.reactive(sim));
        logs.put("reactive-warm", ReferencePolicies.reactiveWarm(sim));
        logs.put("seasonal", ReferencePolicies.seasonal(sim, trace.stepsPerDay()));
        boolean halves = mid > from && mid < n;
        e.whole.put("oracle", sim.oracle());
        if (halves) {
            e.firstHalf.put("oracle", sim.scoredRange(from, mid).oracle());
            e.secondHalf.put("oracle", sim.scoredRange(mid, n).oracle());
        }
        for (Map.Entry<String, List<Decision>> l : logs.entrySet()) {
            e.whole.put(l.getKey(), sim.run(l.getValue()));
            if (halves) {
                e.firstHalf.put(l.getKey(), sim.scoredRange(from, mid).run(l.getValue()));
                e.secondHalf.put(l.getKey(), sim.scoredRange(mid, n).run(l.getValue()));
            }
        }
        return e;
    }
}
