package dev.prescale.job.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.models.Forecast;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's rules with an injected clock: factors, bands, fallback, limits, stabilization, cooldown, warm pool. */
class ScalingEngineTest {

    static final long STEP = 300_000L;
    static final long T0 = 1_700_000_000_000L;

    /** A policy whose arithmetic is easy to follow: 10 units per instance, no headroom, no bands, no warm pool. */
    static ScalingPolicy plain() {
        ScalingPolicy p = new ScalingPolicy();
        p.minCapacity = 0;
        p.stabilizationWindowSeconds = 0;
        p.warmPoolEnabled = false;
        ResourcePolicy cpu = ResourcePolicy.withCapacity(10);
        cpu.headroomPerError = 0;
        cpu.minHeadroom = 0;
        cpu.maxHeadroom = 0;
        cpu.minHistorySteps = 10;
        cpu.stepBands = List.of(new StepBand(0, 1.0));
        p.resources.put(ResourceType.CPU, cpu);
        return p;
    }

    static Forecast flat(double p10, double p50, double p90, int horizon) {
        double[] a = new double[horizon];
        double[] b = new double[horizon];
        double[] c = new double[horizon];
        Arrays.fill(a, p10);
        Arrays.fill(b, p50);
        Arrays.fill(c, p90);
        return new Forecast("g/cpu", T0, STEP, a, b, c, "test/1", "");
    }

    static ResourceOutlook outlook(double p50, double observed, int history, double error) {
        return new ResourceOutlook(ResourceType.CPU, flat(p50, p50, p50, 12), observed, history, error);
    }

    static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    static TargetState current(int n) {
        TargetState s = new TargetState();
        s.lastDesired = n;
        return s;
    }

    @Test
    void factorFollowsTheRiskLevel() {
        ScalingEngine e = new ScalingEngine(plain(), at(T0));
        // need 10 instances from 5: gap 5
        ScalingDecision high = e.decide("g", List.of(outlook(100, 100, 100, 0.0)), current(5));
        assertThat(high.riskLevel).isEqualTo("HIGH");
        assertThat(high.desiredCapacity).isEqualTo(11); // 5 + 5 x 1.2
        ScalingDecision medium = e.decide("g", List.of(outlook(100, 100, 100, 1.0)), current(5));
        assertThat(medium.riskLevel).isEqualTo("MEDIUM");
        assertThat(medium.desiredCapacity).isEqualTo(10);
        ScalingDecision low = e.decide("g", List.of(outlook(100, 100, 100, 2.0)), current(5));
        assertThat(low.riskLevel).isEqualTo("LOW");
        assertThat(low.desiredCapacity).isEqualTo(9); // 5 + 5 x 0.8
        assertThat(low.resources.get(ResourceType.CPU).factor).isEqualTo(0.8);
        assertThat(high.timestamp).isEqualTo(T0);
        assertThat(high.change).isEqualTo(6);
        assertThat(high.currentCapacity).isEqualTo(5);
        assertThat(high.reason).contains("cpu forecast", "HIGH");
    }

    @Test
    void factorsAreConfigurablePerResource() {
        ScalingPolicy p = plain();
        p.resources.get(ResourceType.CPU).factorHigh = 2.0;
        ScalingDecision d = new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(100, 100, 100, 0.0)), current(5));
        assertThat(d.desiredCapacity).isEqualTo(15);
    }

    @Test
    void belowTheConfidenceFloorFallsBackToTargetTracking() {
        ScalingDecision d = new ScalingEngine(plain(), at(T0)).decide("g", List.of(outlook(100, 50, 100, 10.0)), current(5));
        assertThat(d.riskLevel).isEqualTo("REACTIVE");
        assertThat(d.desiredCapacity).isEqualTo(8); // ceil(50 / (0.7 x 10))
        assertThat(d.reason).contains("reactive fallback", "below the floor");
    }

    @Test
    void tooLittleHistoryFallsBackToTargetTracking() {
        ScalingDecision d = new ScalingEngine(plain(), at(T0)).decide("g", List.of(outlook(100, 50, 3, 0.0)), current(5));
        assertThat(d.riskLevel).isEqualTo("REACTIVE");
        assertThat(d.desiredCapacity).isEqualTo(8);
        assertThat(d.reason).contains("reactive fallback", "history of 3 steps");
    }

    @Test
    void largerGapsTakeLargerStepsThroughTheBands() {
        ScalingPolicy p = plain();
        p.resources.get(ResourceType.CPU).stepBands = List.of(new StepBand(0, 1.0), new StepBand(0.5, 1.5));
        ScalingEngine e = new ScalingEngine(p, at(T0));
        // gap 1 of 10 (10 %): band 1.0 -> 10 + 1 x 1.0 = 11
        assertThat(e.decide("g", List.of(outlook(110, 110, 100, 1.0)), current(10)).desiredCapacity).isEqualTo(11);
        // gap 10 of 10 (100 %): band 1.5 -> 10 + 10 x 1.5 = 25
        assertThat(e.decide("g", List.of(outlook(200, 200, 100, 1.0)), current(10)).desiredCapacity).isEqualTo(25);
    }

    @Test
    void scaleInNeverGoesBelowTheForecastNeed() {
        // HIGH: 20 + (10 - 20) x 1.2 = 8, but the forecast needs 10
        ScalingDecision d = new ScalingEngine(plain(), at(T0)).decide("g", List.of(outlook(100, 100, 100, 0.0)), current(20));
        assertThat(d.desiredCapacity).isEqualTo(10);
    }

    @Test
    void limitsApply() {
        ScalingPolicy p = plain();
        p.maxStepUp = 2;
        p.maxStepDown = 3;
        p.maxCapacity = 50;
        p.minCapacity = 4;
        ScalingEngine e = new ScalingEngine(p, at(T0));
        assertThat(e.decide("g", List.of(outlook(100, 100, 100, 1.0)), current(5)).desiredCapacity).isEqualTo(7);
        assertThat(e.decide("g", List.of(outlook(10, 10, 100, 1.0)), current(10)).desiredCapacity).isEqualTo(7);
        assertThat(e.decide("g", List.of(outlook(10, 10, 100, 1.0)), current(5)).desiredCapacity).isEqualTo(4);
        p.maxStepUp = 1000;
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(10_000, 10_000, 100, 1.0)), current(5)).desiredCapacity)
                .isEqualTo(50);
    }

    @Test
    void scaleInIsStabilizedOverTheWindow() {
        ScalingPolicy p = plain();
        p.stabilizationWindowSeconds = 900;
        TargetState s = new TargetState();
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(200, 200, 100, 1.0)), s).desiredCapacity).isEqualTo(20);
        ScalingDecision held = new ScalingEngine(p, at(T0 + STEP)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s);
        assertThat(held.desiredCapacity).isEqualTo(20);
        assertThat(held.reason).contains("stabilization");
        assertThat(new ScalingEngine(p, at(T0 + 2 * STEP)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s).desiredCapacity).isEqualTo(20);
        // 900 s after the 20 was recommended it has left the window
        assertThat(new ScalingEngine(p, at(T0 + 3 * STEP)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s).desiredCapacity).isEqualTo(10);
    }

    @Test
    void scaleInCooldownHoldsTheNextScaleIn() {
        ScalingPolicy p = plain();
        p.scaleInCooldownSeconds = 600;
        TargetState s = current(30);
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(200, 200, 100, 1.0)), s).desiredCapacity).isEqualTo(20);
        assertThat(s.lastScaleInMillis).isEqualTo(T0);
        assertThat(new ScalingEngine(p, at(T0 + STEP)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s).desiredCapacity).isEqualTo(20);
        // scale-out is never held
        assertThat(new ScalingEngine(p, at(T0 + STEP)).decide("g", List.of(outlook(250, 250, 100, 1.0)), current(20)).desiredCapacity)
                .isEqualTo(25);
        assertThat(new ScalingEngine(p, at(T0 + 2 * STEP)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s).desiredCapacity).isEqualTo(10);
    }

    @Test
    void currentAllocationIsTheMeasuredInServiceCountWhenKnown() {
        TargetState s = current(5);
        s.measuredInService = 8;
        ScalingDecision d = new ScalingEngine(plain(), at(T0)).decide("g", List.of(outlook(100, 100, 100, 1.0)), s);
        assertThat(d.currentCapacity).isEqualTo(8);
        assertThat(d.desiredCapacity).isEqualTo(10);
        assertThat(s.lastDesired).isEqualTo(10);
    }

    @Test
    void targetCapacityIsTheLargestOverResources() {
        ScalingPolicy p = plain();
        ResourcePolicy mem = ResourcePolicy.withCapacity(1000);
        mem.minHistorySteps = 10;
        mem.headroomPerError = 0;
        mem.maxHeadroom = 0;
        mem.minHeadroom = 0;
        mem.stepBands = List.of();
        p.resources.put(ResourceType.MEMORY, mem);
        ResourceOutlook memory = new ResourceOutlook(ResourceType.MEMORY, flat(30_000, 30_000, 30_000, 12), 30_000, 100, 1.0);
        ScalingDecision d = new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(100, 100, 100, 1.0), memory), current(10));
        assertThat(d.desiredCapacity).isEqualTo(30);
        assertThat(d.resources).containsKeys(ResourceType.CPU, ResourceType.MEMORY);
        assertThat(d.reason).startsWith("memory");
    }

    @Test
    void warmPoolCoversTheUpperForecastAboveTheDesiredCapacity() {
        ScalingPolicy p = plain();
        p.warmPoolEnabled = true;
        p.warmPoolMinFraction = 0;
        p.warmPoolMaxFraction = 1.0;
        ResourceOutlook o = new ResourceOutlook(ResourceType.CPU, flat(90, 100, 140, 12), 100, 100, 0.0);
        ScalingDecision d = new ScalingEngine(p, at(T0)).decide("g", List.of(o), current(10));
        assertThat(d.desiredCapacity).isEqualTo(10);
        assertThat(d.warmPoolSize).isEqualTo(4); // ceil(140 / 10) - 10
        p.warmPoolMaxFraction = 0.2;
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(o), current(10)).warmPoolSize).isEqualTo(2);
        p.warmPoolMinFraction = 0.6;
        p.warmPoolMaxFraction = 1.0;
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(o), current(10)).warmPoolSize).isEqualTo(6);
        p.warmPoolEnabled = false;
        assertThat(new ScalingEngine(p, at(T0)).decide("g", List.of(o), current(10)).warmPoolSize).isZero();
    }

    @Test
    void reactiveModeIgnoresTheForecast() {
        ScalingPolicy p = plain();
        p.mode = ScalingPolicy.MODE_REACTIVE;
        ScalingDecision d = new ScalingEngine(p, at(T0)).decide("g", List.of(outlook(1000, 70, 100, 0.0)), current(5));
        assertThat(d.desiredCapacity).isEqualTo(10); // ceil(70 / 7)
        assertThat(d.policy).isEqualTo("reactive");
        assertThat(d.riskLevel).isEqualTo("REACTIVE");
        assertThat(d.reason).startsWith("reactive mode");
    }
}
