package dev.prescale.job.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases, one per rule of EVALUATION.md's group model (Δ = 300 s unless said). */
class CloudGroupSimulatorTest {

    static final long STEP = 300_000L;

    static CloudGroupSimulator sim(double c, double... v) {
        long[] t = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            t[i] = i * STEP;
        }
        return new CloudGroupSimulator(t, v, STEP, c);
    }

    @Test
    void capacityUnitIsNearestRankP99OverTwenty() {
        double[] v = new double[200];
        for (int i = 0; i < 200; i++) {
            v[i] = i + 1; // 1..200: rank ceil(0.99 * 200) = 198 -> 198
        }
        assertThat(CloudGroupSimulator.capacityUnit(v)).isEqualTo(198 / 20.0);
        assertThat(CloudGroupSimulator.capacityUnit(new double[] {5, 1, 3})).isEqualTo(5 / 20.0); // rank ceil(2.97) = 3
    }

    @Test
    void leadsAreCeilOfSecondsOverStep() {
        CloudGroupSimulator s = sim(1, 1, 1);
        assertThat(s.coldLeadSteps()).isEqualTo(2);
        assertThat(s.warmLeadSteps()).isEqualTo(1);
        CloudGroupSimulator half = new CloudGroupSimulator(new long[] {0, 1_800_000L}, new double[] {1, 1}, 1_800_000L, 1);
        assertThat(half.coldLeadSteps()).isEqualTo(1);
        assertThat(half.warmLeadSteps()).isEqualTo(1);
    }

    @Test
    void initialStateIsCeilOfFirstValueAndNoWarmPool() {
        SimulationResult r = sim(2, 5, 5, 5).run(List.of());
        assertThat(r.inService()).containsExactly(3, 3, 3);
        assertThat(r.warmReady()).containsExactly(0, 0, 0);
        assertThat(r.desired()).containsExactly(-1, -1, -1);
    }

    @Test
    void coldLaunchIsInServiceTwoStepsAfterTheStepItTakesEffect() {
        CloudGroupSimulator s = sim(1, 1, 1, 1, 1, 1);
        // made after step 0, stamped at the end of step 0: takes effect at step 1, in service at step 3
        SimulationResult r = s.run(List.of(new Decision(s.decisionTime(0), 3, 0)));
        assertThat(r.inService()).containsExactly(1, 1, 1, 3, 3);
        assertThat(r.launching()).containsExactly(0, 2, 2, 0, 0);
    }

    @Test
    void decisionTakesEffectAtFirstStepStartingAtOrAfterItsTimestamp() {
        CloudGroupSimulator s = sim(1, 1, 1, 1, 1, 1, 1);
        // stamped in the middle of step 1: takes effect at step 2 (start 600 s), in service at step 4
        SimulationResult r = s.run(List.of(new Decision(STEP + 1, 2, 0)));
        assertThat(r.inService()).containsExactly(1, 1, 1, 1, 2, 2);
        // the last decision at or before a step's start wins
        SimulationResult last = s.run(List.of(new Decision(STEP, 4, 0), new Decision(STEP, 1, 0)));
        assertThat(last.inService()).containsExactly(1, 1, 1, 1, 1, 1);
    }

    @Test
    void growthTakesReadyWarmPoolFirstThenCold() {
        CloudGroupSimulator s = sim(1, 1, 1, 1, 1, 1, 1, 1, 1);
        // pool of 2 asked at step 1, ready at step 3; at step 4 grow by 3: 2 warm (in service at 5), 1 cold (at 6)
        SimulationResult r = s.run(List.of(new Decision(STEP, 1, 2), new Decision(4 * STEP, 4, 0)));
        assertThat(r.warmPreparing()).containsExactly(0, 2, 2, 0, 0, 0, 0, 0);
        assertThat(r.warmReady()).containsExactly(0, 0, 0, 2, 0, 0, 0, 0);
        assertThat(r.inService()).containsExactly(1, 1, 1, 1, 1, 3, 4, 4);
    }

    @Test
    void scaleInCancelsNewestPendingLaunchesFirstThenRemovesInService() {
        CloudGroupSimulator s = sim(1, 1, 1, 1, 1, 1, 1, 1);
        // step 1: ask 3 (2 cold, ready at 3); step 2: ask 5 (2 more, ready at 4); step 3 ask 2:
        // at step 3 total is 1 + 4 pending: cancel the 2 newest (due at 4) and one of the older ones,
        // so one launch due at step 3 completes: S(3) = 2.
        SimulationResult r = s.run(List.of(new Decision(STEP, 3, 0), new Decision(2 * STEP, 5, 0), new Decision(3 * STEP, 2, 0)));
        assertThat(r.inService()).containsExactly(1, 1, 1, 2, 2, 2, 2);
        // a shrink below the in-service count removes instances at once
        SimulationResult down = sim(1, 5, 5, 5).run(List.of(new Decision(STEP, 2, 0)));
        assertThat(down.inService()).containsExactly(5, 2, 2);
    }

    @Test
    void warmPoolShrinkRemovesPreparingNewestFirstThenReady() {
        CloudGroupSimulator s = sim(1, 1, 1, 1, 1, 1, 1, 1);
        // pool 2 at step 1 (ready 3), pool 4 at step 3 (2 more ready at 5), pool 1 at step 4:
        // the 2 preparing go, then 1 ready one.
        SimulationResult r = s.run(List.of(new Decision(STEP, 1, 2), new Decision(3 * STEP, 1, 4), new Decision(4 * STEP, 1, 1)));
        assertThat(r.warmReady()).containsExactly(0, 0, 0, 2, 1, 1, 1);
        assertThat(r.warmPreparing()).containsExactly(0, 2, 2, 2, 0, 0, 0);
    }

    @Test
    void costCountsInServiceLaunchingAndATenthOfTheWarmPool() {
        // 3 days of steps so that the last steps are scored; C = 1, demand 1 everywhere.
        int n = 3 * 288 + 4;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        CloudGroupSimulator s = sim(1, v);
        assertThat(s.firstScoredStep()).isEqualTo(3 * 288);
        // from step 864 on: desired 2 (one cold launch pending for 2 steps) and a warm pool of 5
        SimulationResult r = s.run(List.of(new Decision(864 * STEP, 2, 5)));
        // steps 864..867: S = 1,1,2,2; launching 1,1,0,0; warm preparing 5,5 then ready 5,5 -> 0.5 each
        double cost = (1 + 1 + 0.5) + (1 + 1 + 0.5) + (2 + 0.5) + (2 + 0.5);
        assertThat(r.costRatio()).isCloseTo(cost / 4.0, within(1e-12));
        assertThat(r.scoredSteps()).isEqualTo(4);
        assertThat(r.actions()).isEqualTo(0); // the change happens at the first scored step, which has no scored predecessor
    }

    @Test
    void underProvisionedAndUnservedOverTheScoredWindowOnly() {
        int n = 3 * 288 + 2;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        v[0] = 1.0;
        v[5] = 9.0; // before the scored window: not counted
        v[n - 1] = 3.0; // scored: S = 1, C = 1: under by 2
        SimulationResult r = sim(1, v).run(List.of());
        assertThat(r.scoredSteps()).isEqualTo(2);
        assertThat(r.underStepsPct()).isCloseTo(50.0, within(1e-12));
        assertThat(r.unservedPct()).isCloseTo(100.0 * 2 / 4, within(1e-12));
        assertThat(r.costRatio()).isCloseTo(2.0 / (1 + 3), within(1e-12));
    }

    @Test
    void actionsCountChangesOfDesiredBetweenScoredSteps() {
        int n = 3 * 288 + 4;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        CloudGroupSimulator s = sim(1, v);
        SimulationResult r = s.run(List.of(new Decision(0, 1, 0), new Decision(865 * STEP, 2, 0), new Decision(866 * STEP, 2, 0),
                new Decision(867 * STEP, 1, 0)));
        assertThat(r.actions()).isEqualTo(2);
    }

    @Test
    void referencePoliciesFollowTheirDefinitions() {
        // C = 1: want = ceil(v / 0.7)
        CloudGroupSimulator s = sim(1, 7, 1, 1, 1, 1);
        List<Decision> reactive = ReferencePolicies.reactive(s);
        assertThat(reactive).extracting(Decision::desired).containsExactly(10, 10, 10, 2, 2);
        assertThat(ReferencePolicies.reactiveWarm(s)).extracting(Decision::warmPool).containsExactly(3, 3, 3, 1, 1);
        // seasonal with a "day" of 2 steps: after step t, m = max v[s - 2] for s in t+1..t+3 with s - 2 <= t
        List<Decision> seasonal = ReferencePolicies.seasonal(s, 2);
        assertThat(seasonal).extracting(Decision::desired).containsExactly(10, 10, 10, 2, 2);
        // a "day" of 4 steps: after step t, m = max of v[t-3], v[t-2], v[t-1]; the spike at step 2
        // keeps 20 until step 5, one step longer than reactive's stabilization does
        CloudGroupSimulator daily = sim(1, 1, 1, 14, 1, 1, 1, 1, 1, 1);
        assertThat(ReferencePolicies.reactive(daily)).extracting(Decision::desired).containsExactly(2, 2, 20, 20, 20, 2, 2, 2, 2);
        assertThat(ReferencePolicies.seasonal(daily, 4)).extracting(Decision::desired).containsExactly(2, 2, 20, 20, 20, 20, 2, 2, 2);
    }
}
