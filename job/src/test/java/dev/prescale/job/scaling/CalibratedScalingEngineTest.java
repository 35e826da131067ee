package dev.prescale.job.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The engine on its calibrated path: the bound replaces the headroom once scores exist, the risk factor weighs the gap. */
class CalibratedScalingEngineTest {

    static final long STEP = ScalingEngineTest.STEP;
    static final long T0 = ScalingEngineTest.T0;

    static ScalingPolicy calibrated() {
        ScalingPolicy p = ScalingEngineTest.plain();
        ResourcePolicy cpu = p.resources.get(ResourceType.CPU);
        cpu.calibrated = true;
        cpu.minCalibrationScores = 20;
        return p;
    }

    /** Decides on a noisy flat series for {@code n} steps; the forecast says the truth's mean. */
    static ScalingDecision run(ScalingPolicy p, TargetState s, int n, long seed) {
        Random r = new Random(seed);
        ScalingDecision d = null;
        for (int t = 0; t < n; t++) {
            double v = 100 * (1 + 0.1 * r.nextGaussian());
            ScalingEngine e = new ScalingEngine(p, ScalingEngineTest.at(T0 + t * STEP));
            d = e.decide("g", List.of(new ResourceOutlook(ResourceType.CPU, ScalingEngineTest.flat(90, 100, 110, 12), v, 100, 0.0)), s);
        }
        return d;
    }

    @Test
    void usesTheCalibratedBoundOnceScoresExist() {
        TargetState s = new TargetState();
        ScalingDecision early = run(calibrated(), s, 5, 1);
        assertThat(early.reason).doesNotContain("calibrated");
        ScalingDecision later = run(calibrated(), s, 200, 2);
        assertThat(later.reason).contains("calibrated bound");
        double bound = later.resources.get(ResourceType.CPU).forecastP90;
        double point = later.resources.get(ResourceType.CPU).forecastP50;
        assertThat(bound).isGreaterThan(point);
        // About 100 +- 10 %: the bound is a high quantile, a few standard deviations at most.
        assertThat(bound).isBetween(100.0, 160.0);
        assertThat(s.calibrator(ResourceType.CPU).scoredSteps).isGreaterThan(150);
    }

    @Test
    void riskFactorWeighsTheGapToTheBound() {
        ScalingPolicy p = calibrated();
        TargetState s = new TargetState();
        run(p, s, 200, 3);
        // From a small current allocation, HIGH (1.2) asks for more than the bound's need, factor 2 more still.
        s.lastDesired = 2;
        TargetState other = copyState(s);
        ScalingEngine e = new ScalingEngine(p, ScalingEngineTest.at(T0 + 200 * STEP));
        ResourceOutlook o = new ResourceOutlook(ResourceType.CPU, ScalingEngineTest.flat(90, 100, 110, 12), 100, 100, 0.0);
        ScalingDecision high = e.decide("g", List.of(o), s);
        assertThat(high.riskLevel).isEqualTo("HIGH");
        double need = high.resources.get(ResourceType.CPU).forecastP90 / 10.0;
        assertThat(high.desiredCapacity).isEqualTo((int) Math.ceil(2 + (need - 2) * 1.2 - 1e-9));
        p.resources.get(ResourceType.CPU).factorHigh = 2.0;
        ScalingDecision doubled = new ScalingEngine(p, ScalingEngineTest.at(T0 + 200 * STEP)).decide("g", List.of(o), other);
        assertThat(doubled.desiredCapacity).isGreaterThan(high.desiredCapacity);
    }

    static TargetState copyState(TargetState s) {
        TargetState c = new TargetState();
        c.lastDesired = s.lastDesired;
        c.recentRecommendations = s.recentRecommendations.clone();
        c.recentRecommendationMillis = s.recentRecommendationMillis.clone();
        c.calibrators = new CalibratorState[s.calibrators.length];
        for (int i = 0; i < s.calibrators.length; i++) {
            c.calibrators[i] = DemandCalibratorTest.copy(s.calibrators[i]);
        }
        return c;
    }
}
