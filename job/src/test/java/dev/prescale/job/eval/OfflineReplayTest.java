package dev.prescale.job.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import dev.prescale.models.trace.Trace;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The replay is causal, and in reactive mode the engine is exactly EVALUATION.md's reactive reference. */
class OfflineReplayTest {

    static final long STEP = 300_000L;
    static final long START = 1_577_836_800_000L;

    static Trace synthetic(long seed, int n) {
        Random r = new Random(seed);
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = START + i * STEP;
            double daily = 100 + 60 * Math.sin(2 * Math.PI * i / 288.0);
            v[i] = Math.max(0, daily * (1 + 0.15 * r.nextGaussian()) + (r.nextDouble() < 0.01 ? 150 : 0));
        }
        return new Trace("synthetic", "value", t, v, STEP, 0);
    }

    @Test
    void changingTheTraceAfterTChangesNoDecisionStampedAtOrBeforeT() {
        Trace trace = synthetic(1, 4 * 288);
        int cut = 3 * 288 + 17;
        long tCut = trace.timesMillis()[cut]; // values at or after T are changed
        double[] changed = trace.values().clone();
        for (int i = cut; i < changed.length; i++) {
            changed[i] = changed[i] * 5 + 1000;
        }
        Trace other = new Trace(trace.name(), trace.column(), trace.timesMillis(), changed, STEP, 0);
        double c = CloudGroupSimulator.capacityUnit(trace.values());
        OfflineReplay replay = new OfflineReplay(EvaluationPolicies.defaults(), new SeasonalNaiveForecaster(), 8, 12);
        List<OfflineReplay.Step> a = replay.replay(trace, c);
        List<OfflineReplay.Step> b = replay.replay(other, c);
        int compared = 0;
        boolean laterDiffers = false;
        for (int i = 0; i < a.size(); i++) {
            ScalingDecision x = a.get(i).decision();
            ScalingDecision y = b.get(i).decision();
            if (x.timestamp <= tCut) {
                assertThat(y.desiredCapacity).as("decision at step %d", i).isEqualTo(x.desiredCapacity);
                assertThat(y.warmPoolSize).isEqualTo(x.warmPoolSize);
                assertThat(y.reason).isEqualTo(x.reason);
                compared++;
            } else if (x.desiredCapacity != y.desiredCapacity) {
                laterDiffers = true;
            }
        }
        assertThat(compared).isEqualTo(cut);
        assertThat(laterDiffers).as("the change must matter after T, or this test proves nothing").isTrue();
        assertThat(a.get(cut - 1).decision().timestamp).isEqualTo(tCut);
    }

    @Test
    void reactiveModeWithoutWarmPoolIsTheReactiveReference() {
        Trace trace = synthetic(2, 4 * 288);
        CloudGroupSimulator sim = new CloudGroupSimulator(trace);
        ScalingPolicy p = EvaluationPolicies.defaults();
        p.mode = ScalingPolicy.MODE_REACTIVE;
        p.warmPoolEnabled = false;
        List<OfflineReplay.Step> steps = new OfflineReplay(p, new SeasonalNaiveForecaster(), 8, 12).replay(trace, sim.capacityUnit());
        assertThat(OfflineReplay.decisions(steps)).isEqualTo(ReferencePolicies.reactive(sim));
        p.warmPoolEnabled = true;
        p.warmPoolMinFraction = 0.25;
        steps = new OfflineReplay(p, new SeasonalNaiveForecaster(), 8, 12).replay(trace, sim.capacityUnit());
        assertThat(OfflineReplay.decisions(steps)).isEqualTo(ReferencePolicies.reactiveWarm(sim));
    }

    @Test
    void predictiveDecisionsAreScoredBesideTheReferences() {
        Trace trace = synthetic(3, 5 * 288);
        TraceEvaluation e = TraceEvaluation.evaluate(trace, EvaluationPolicies.defaults(), new SeasonalNaiveForecaster(), 8);
        assertThat(e.whole).containsKeys("prescale-predictive", "oracle", "reactive", "reactive-warm", "seasonal");
        assertThat(e.whole.get("oracle").costRatio()).isEqualTo(1.0);
        assertThat(e.steps).hasSize(trace.size());
        assertThat(e.firstHalf.get("prescale-predictive").scoredSteps() + e.secondHalf.get("prescale-predictive").scoredSteps())
                .isEqualTo(e.whole.get("prescale-predictive").scoredSteps());
    }
}
