package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.ResourcePolicy;
import dev.prescale.job.scaling.ScalingEngine;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.job.scaling.StepBand;
import dev.prescale.job.scaling.TargetState;
import dev.prescale.models.Forecast;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test of the engine's guardrails (a seeded random loop; jqwik is not in the offline
 * repository): random policies, forecasts (including NaN, infinite, negative and huge values),
 * confidences, observations, measured capacities and clocks, over sequences of decisions that carry
 * state. Every decision stays within min and max capacity and, from a current allocation inside
 * those limits, within the step limits; its warm pool is within the policy's fractions.
 */
class ScalingGuardrailsPropertyTest {

    private static final long SEED = 20240607L;
    private static final int SEQUENCES = 400;
    private static final int DECISIONS_PER_SEQUENCE = 40;
    private static final long[] STEPS = {60_000L, 300_000L, 1_000L, 1_800_000L};

    @Test
    void noDecisionLeavesTheConfiguredLimits() {
        Random rnd = new Random(SEED);
        int decisions = 0;
        int atMax = 0;
        int atMin = 0;
        int stepLimited = 0;
        for (int s = 0; s < SEQUENCES; s++) {
            ScalingPolicy policy = randomPolicy(rnd);
            long step = STEPS[rnd.nextInt(STEPS.length)];
            long now = 1_600_000_000_000L + (long) (rnd.nextDouble() * 1e11);
            TargetState state = new TargetState();
            if (rnd.nextBoolean()) {
                state.lastDesired = rnd.nextInt(policy.maxCapacity + 1);
            }
            for (int d = 0; d < DECISIONS_PER_SEQUENCE; d++) {
                // Clocks: mostly forward by a step, sometimes a jump, sometimes backwards (a replay).
                double c = rnd.nextDouble();
                now += c < 0.8 ? step : c < 0.9 ? (long) (rnd.nextDouble() * 1e9) : -(long) (rnd.nextDouble() * 1e8);
                if (rnd.nextDouble() < 0.2) {
                    // The measured in-service count, possibly outside the limits (someone scaled by hand).
                    state.measuredInService = rnd.nextInt(policy.maxCapacity * 2 + 3);
                }
                int current = state.measuredInService >= 0 ? state.measuredInService
                        : state.lastDesired >= 0 ? state.lastDesired : policy.minCapacity;
                List<ResourceOutlook> outlooks = randomOutlooks(rnd, policy, step, now);
                ScalingEngine engine = new ScalingEngine(policy, Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC));
                ScalingDecision decision = engine.decide("t", outlooks, state);
                decisions++;
                String context = "sequence " + s + " decision " + d + ": " + decision.reason + " policy min "
                        + policy.minCapacity + " max " + policy.maxCapacity + " up " + policy.maxStepUp + " down " + policy.maxStepDown;

                assertThat(decision.desiredCapacity).as(context).isBetween(policy.minCapacity, policy.maxCapacity);
                assertThat(decision.currentCapacity).as(context).isEqualTo(current);
                assertThat(decision.change).as(context).isEqualTo(decision.desiredCapacity - current);
                if (current >= policy.minCapacity && current <= policy.maxCapacity) {
                    assertThat(decision.change).as(context).isBetween(-policy.maxStepDown, policy.maxStepUp);
                } else if (current > policy.maxCapacity) {
                    // From outside the limits (scaled by hand) the capacity limit wins over the step limit:
                    // down by at most a step, or straight to max when a step is not enough.
                    assertThat(decision.desiredCapacity).as(context)
                            .isBetween(Math.max(policy.minCapacity, Math.min(policy.maxCapacity, current - policy.maxStepDown)), policy.maxCapacity);
                } else {
                    assertThat(decision.desiredCapacity).as(context)
                            .isBetween(policy.minCapacity, Math.max(policy.minCapacity, current + policy.maxStepUp));
                }
                int maxWarm = policy.warmPoolEnabled ? (int) Math.ceil(policy.warmPoolMaxFraction * decision.desiredCapacity - 1e-9) : 0;
                assertThat(decision.warmPoolSize).as(context).isBetween(0, Math.max(0, maxWarm));
                assertThat(decision.reason).as(context).isNotBlank();
                assertThat(Double.isNaN(decision.confidence) || (decision.confidence >= 0 && decision.confidence <= 1)).as(context).isTrue();
                atMax += decision.desiredCapacity == policy.maxCapacity ? 1 : 0;
                atMin += decision.desiredCapacity == policy.minCapacity ? 1 : 0;
                stepLimited += decision.reason.contains("by step/capacity limits") ? 1 : 0;
            }
        }
        System.out.printf("guardrails: %d decisions, %d at max, %d at min, %d limited by a step or capacity limit%n",
                decisions, atMax, atMin, stepLimited);
        // The generator must reach the limits, or the property above says little.
        assertThat(decisions).isEqualTo(SEQUENCES * DECISIONS_PER_SEQUENCE);
        assertThat(atMax).isGreaterThan(decisions / 50);
        assertThat(atMin).isGreaterThan(decisions / 50);
        assertThat(stepLimited).isGreaterThan(decisions / 20);
    }

    private static ScalingPolicy randomPolicy(Random rnd) {
        ScalingPolicy p = new ScalingPolicy();
        p.mode = rnd.nextDouble() < 0.1 ? ScalingPolicy.MODE_REACTIVE : ScalingPolicy.MODE_PREDICTIVE;
        p.minCapacity = rnd.nextInt(6);
        p.maxCapacity = Math.max(1, p.minCapacity) + rnd.nextInt(rnd.nextBoolean() ? 10 : 500);
        p.maxStepUp = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 100);
        p.maxStepDown = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 100);
        p.scaleInCooldownSeconds = rnd.nextBoolean() ? 0 : rnd.nextInt(3600);
        p.stabilizationWindowSeconds = rnd.nextBoolean() ? 0 : rnd.nextInt(3600);
        p.coldLaunchLeadSeconds = rnd.nextInt(1200);
        p.warmLaunchLeadSeconds = rnd.nextInt((int) p.coldLaunchLeadSeconds + 1);
        p.warmPoolEnabled = rnd.nextBoolean();
        p.warmPoolCoversColdLead = rnd.nextBoolean();
        p.warmPoolMinFraction = rnd.nextDouble() * 0.3;
        p.warmPoolMaxFraction = p.warmPoolMinFraction + rnd.nextDouble();
        p.reactiveTargetUtilization = 0.05 + rnd.nextDouble() * 0.95;
        p.resources.clear();
        for (ResourceType type : ResourceType.values()) {
            if (type == ResourceType.CPU || rnd.nextBoolean()) {
                ResourcePolicy rp = ResourcePolicy.withCapacity(Math.pow(10, rnd.nextDouble() * 6 - 2));
                rp.factorHigh = 0.5 + rnd.nextDouble() * 2;
                rp.factorMedium = 0.5 + rnd.nextDouble() * 1.5;
                rp.factorLow = 0.2 + rnd.nextDouble();
                rp.minHistorySteps = rnd.nextInt(20);
                rp.calibrated = rnd.nextBoolean();
                rp.minCalibrationScores = 1 + rnd.nextInt(10);
                rp.calibrationWindowSteps = rp.minCalibrationScores + rnd.nextInt(50);
                if (rnd.nextBoolean()) {
                    rp.stepBands = List.of(new StepBand(0, 1.0), new StepBand(0.2, 1 + rnd.nextDouble()), new StepBand(1.0, 1 + 3 * rnd.nextDouble()));
                }
                p.resources.put(type, rp);
            }
        }
        p.validate("scaling");
        return p;
    }

    private static List<ResourceOutlook> randomOutlooks(Random rnd, ScalingPolicy policy, long step, long now) {
        List<ResourceOutlook> out = new ArrayList<>();
        for (ResourceType type : ResourceType.values()) {
            if (rnd.nextDouble() < 0.1) {
                continue;
            }
            ResourcePolicy rp = policy.resources.get(type);
            // Demand mostly in the range the limits can serve, sometimes far below or above it.
            double unit = rp != null ? rp.capacityPerInstance : 1.0;
            double scale = unit * policy.maxCapacity * Math.pow(10, rnd.nextDouble() * 3.2 - 3);
            int horizon = rnd.nextDouble() < 0.05 ? 0 : 1 + rnd.nextInt(40);
            double[] p10 = new double[horizon];
            double[] p50 = new double[horizon];
            double[] p90 = new double[horizon];
            double spread = rnd.nextDouble() < 0.3 ? 0 : rnd.nextDouble() * 2;
            for (int i = 0; i < horizon; i++) {
                double v = value(rnd, scale);
                p50[i] = v;
                p10[i] = v * (1 - spread * rnd.nextDouble());
                p90[i] = v * (1 + spread * rnd.nextDouble());
            }
            Forecast f = rnd.nextDouble() < 0.05 ? null : new Forecast("t/" + type.jsonName(), now, step, p10, p50, p90, "random/1", "");
            double error = rnd.nextDouble() < 0.2 ? Double.NaN : rnd.nextDouble() < 0.05 ? Double.POSITIVE_INFINITY : rnd.nextDouble() * 3;
            out.add(new ResourceOutlook(type, f, value(rnd, scale), rnd.nextInt(2000), error));
        }
        return out;
    }

    /** Mostly plausible demand; sometimes NaN, infinite, negative, zero or absurdly large. */
    private static double value(Random rnd, double scale) {
        double c = rnd.nextDouble();
        if (c < 0.03) {
            return Double.NaN;
        }
        if (c < 0.05) {
            return rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        if (c < 0.08) {
            return -scale * rnd.nextDouble();
        }
        if (c < 0.12) {
            return 0;
        }
        if (c < 0.15) {
            return scale * 1e12;
        }
        return scale * (0.2 + rnd.nextDouble() * 2);
    }
}
