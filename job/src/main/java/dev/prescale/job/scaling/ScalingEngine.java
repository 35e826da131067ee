package dev.prescale.job.scaling;

import dev.prescale.connectors.records.ResourceAssessment;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.models.Forecast;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns per-resource demand outlooks into one scaling decision for a target.
 *
 * <p>Per resource, with {@code Lc = ceil(coldLaunchLead / step)}: the "forecast" is the largest
 * p50 over forecast steps {@code 0..Lc} (from the step the decision takes effect until a cold
 * launch asked now would be in service; scale-in is immediate, so the capacity must also hold for
 * the first of them), never below the latest observation, raised by a headroom of
 * {@code headroomPerError x recentError} (at most {@code maxHeadroom}). It becomes instances through
 * {@code capacityPerInstance}; the change from the current allocation is weighed by the risk
 * factor (HIGH 1.2, MEDIUM 1.0, LOW 0.8) and, for scale-out, by the magnitude band of the gap; a
 * scale-in never goes below the forecast's own need. Below the confidence floor or with too little
 * history the resource falls back to target tracking on its latest observation. The target's
 * recommendation is the largest over its resources; then scale-in stabilization and cooldown,
 * the step limits and min/max capacity apply. The warm pool covers the p90 over steps
 * {@code Lw..Lc} ({@code Lw = ceil(warmLaunchLead / step)}) above the desired capacity.
 *
 * <p>Calibrated path (the default, {@link ResourcePolicy#calibrated}): once a resource's
 * {@link DemandCalibrator} has enough scores, the "forecast" is instead an upper bound of the
 * demand over the steps the desired capacity must serve (the step the decision takes effect until a
 * warm launch asked now is in service: scale-in is immediate, growth from the warm pool arrives
 * after the warm lead), calibrated online per series by adaptive conformal inference so that the
 * realized share of short steps tracks {@code targetMissRate}. Its point forecast mixes the last
 * value, an exponentially weighted level and the forecaster's p50; the bound is the point forecast
 * times the {@code 1 - alpha} quantile of recent peak-to-forecast ratios. The need in instances is
 * ceil of the bound over the capacity per instance (the quantile is taken of the demand itself, so
 * rounding is part of what is calibrated); the risk factor still weighs the gap from the current
 * allocation, low confidence still falls back to target tracking, and the warm pool covers the
 * bound over the cold lead above the desired capacity. See docs/scaling.md.
 *
 * <p>The decision time is {@code clock.millis()}: the Flink operator passes a clock set to the
 * window end, so replays run in event time. Not thread safe; one engine per operator instance.
 */
public final class ScalingEngine {

    private final ScalingPolicy policy;
    private final Clock clock;
    private final RiskAssessor assessor = new RiskAssessor();
    private final ScaleInStabilizer stabilizer;
    private final WarmPoolPlanner warmPool;

    public ScalingEngine(ScalingPolicy policy, Clock clock) {
        policy.validate("scaling");
        this.policy = policy;
        this.clock = clock;
        this.stabilizer = new ScaleInStabilizer(policy.stabilizationWindowSeconds * 1000L, policy.scaleInCooldownSeconds * 1000L);
        this.warmPool = new WarmPoolPlanner(policy);
    }

    public ScalingPolicy policy() {
        return policy;
    }

    /** The current allocation: the measured in-service count when known, else the last desired capacity. */
    int currentAllocation(TargetState state) {
        if (state.measuredInService >= 0) {
            return state.measuredInService;
        }
        return state.lastDesired >= 0 ? state.lastDesired : policy.minCapacity;
    }

    /** Decides for {@code target} at {@code clock.millis()} and updates {@code state}. */
    public ScalingDecision decide(String target, List<ResourceOutlook> outlooks, TargetState state) {
        long now = clock.millis();
        int current = currentAllocation(state);
        ScalingDecision d = new ScalingDecision();
        d.target = target;
        d.timestamp = now;
        d.currentCapacity = current;
        d.policy = policy.isReactive() ? ScalingPolicy.MODE_REACTIVE : ScalingPolicy.MODE_PREDICTIVE;
        d.modelVersion = "";

        int recommendation = -1;
        double upperInstances = Double.NaN;
        ResourceType driver = null;
        String driverWhy = "";
        List<String> ignored = new ArrayList<>();
        List<Object[]> calibrated = new ArrayList<>();
        for (ResourceOutlook o : outlooks) {
            ResourcePolicy rp = policy.resources.get(o.type());
            if (rp == null) {
                ignored.add(o.type().jsonName());
                continue;
            }
            Forecast f = o.forecast();
            if (f != null && d.modelVersion.isEmpty()) {
                d.modelVersion = f.model();
            }
            DemandCalibrator.Bounds bounds = null;
            if (rp.calibrated && !policy.isReactive() && f != null && f.stepMillis() > 0) {
                CalibratorState cs = state.calibrator(o.type());
                DemandCalibrator cal = calibrator(rp, f.stepMillis());
                bounds = cal.update(cs, o.observed(), forecastNear(f), f.horizon() > 0 ? f.p50()[0] : Double.NaN, now, f.stepMillis(),
                        rp.capacityPerInstance);
                calibrated.add(new Object[] {cal, cs});
            }
            Resolved r = resolve(o, rp, current, bounds);
            d.resources.put(o.type(), r.assessment);
            if (r.assessment.instances > recommendation) {
                recommendation = r.assessment.instances;
                driver = o.type();
                driverWhy = r.why;
            }
            if (Double.isFinite(r.upperInstances)) {
                upperInstances = Double.isFinite(upperInstances) ? Math.max(upperInstances, r.upperInstances) : r.upperInstances;
            }
        }

        String why;
        if (driver == null) {
            recommendation = current;
            why = "no resource with a policy was observed: capacity kept";
        } else {
            ResourceAssessment a = d.resources.get(driver);
            d.confidence = a.confidence;
            d.riskLevel = a.risk;
            why = driverWhy;
        }
        if (d.riskLevel == null) {
            d.riskLevel = RiskLevel.REACTIVE.name();
        }

        int stabilized = stabilizer.stabilize(recommendation, current, now, state);
        int desired = stabilized;
        desired = Math.min(desired, current + policy.maxStepUp);
        desired = Math.max(desired, current - policy.maxStepDown);
        desired = Math.max(policy.minCapacity, Math.min(policy.maxCapacity, desired));
        StringBuilder reason = new StringBuilder(why);
        if (stabilized > recommendation) {
            reason.append("; scale-in held at ").append(stabilized).append(" by stabilization/cooldown");
        }
        if (desired != stabilized) {
            reason.append("; limited to ").append(desired).append(" by step/capacity limits");
        }
        int warm = warmPool.plan(desired, upperInstances);
        if (warm > 0) {
            reason.append("; warm pool ").append(warm);
        }
        if (!ignored.isEmpty()) {
            reason.append("; no policy for ").append(String.join(",", ignored));
        }
        d.desiredCapacity = desired;
        d.warmPoolSize = warm;
        d.change = desired - current;
        d.reason = reason.toString();

        if (desired < current) {
            state.lastScaleInMillis = now;
        } else if (desired > current) {
            state.lastScaleOutMillis = now;
        }
        state.lastDesired = desired;
        state.lastWarmPool = warm;
        for (Object[] c : calibrated) {
            ((DemandCalibrator) c[0]).record((CalibratorState) c[1], desired, now);
        }
        return d;
    }

    /** One resource's assessment, the upper-forecast need in instances and a phrase saying why. */
    private record Resolved(ResourceAssessment assessment, double upperInstances, String why) {}

    /** The calibrator of a resource for forecasts at {@code stepMillis}: near = warm lead + 1 steps, far = cold lead + 1. */
    DemandCalibrator calibrator(ResourcePolicy rp, long stepMillis) {
        int lc = ScalingPolicy.leadSteps(policy.coldLaunchLeadSeconds, stepMillis);
        int lw = ScalingPolicy.leadSteps(policy.warmLaunchLeadSeconds, stepMillis);
        int near = (policy.warmPoolEnabled && policy.warmPoolCoversColdLead ? lw : lc) + 1;
        // The capacity in service at a step is bounded by the decisions since a launch for it was last possible.
        return new DemandCalibrator(rp, near, lc + 1, near);
    }

    /** The forecaster's p50 over the near horizon, the point forecast's third ingredient. */
    private double forecastNear(Forecast f) {
        if (f.horizon() == 0) {
            return Double.NaN;
        }
        int lc = ScalingPolicy.leadSteps(policy.coldLaunchLeadSeconds, f.stepMillis());
        int lw = ScalingPolicy.leadSteps(policy.warmLaunchLeadSeconds, f.stepMillis());
        int cover = policy.warmPoolEnabled && policy.warmPoolCoversColdLead ? lw : lc;
        return maxOver(f.p50(), 0, cover);
    }

    private Resolved resolve(ResourceOutlook o, ResourcePolicy rp, int current, DemandCalibrator.Bounds bounds) {
        ResourceAssessment a = new ResourceAssessment();
        a.observed = o.observed();
        Forecast f = o.forecast();
        String name = o.type().jsonName();
        long step = f != null ? f.stepMillis() : 0;
        int lc = step > 0 ? ScalingPolicy.leadSteps(policy.coldLaunchLeadSeconds, step) : 0;
        int lw = step > 0 ? ScalingPolicy.leadSteps(policy.warmLaunchLeadSeconds, step) : 0;
        // The steps the desired capacity must cover: until a cold launch asked now is in service,
        // or only until a warm launch is when the warm pool takes over the rest of the cold lead.
        int cover = policy.warmPoolEnabled && policy.warmPoolCoversColdLead ? lw : lc;
        if (f != null && f.horizon() > 0) {
            a.forecastP50 = maxOver(f.p50(), 0, cover);
            a.forecastP90 = maxOver(f.p90(), 0, cover);
        } else {
            a.forecastP50 = Double.NaN;
            a.forecastP90 = Double.NaN;
        }
        if (policy.isReactive()) {
            a.confidence = assessor.confidence(o, 0, lc);
            a.risk = RiskLevel.REACTIVE.name();
            a.factor = 1.0;
            a.instances = reactiveInstances(o.observed(), rp);
            return new Resolved(a, Double.NaN, String.format(Locale.ROOT,
                    "reactive mode: %s observed %.4g, target tracking at %.0f%% -> %d", name, o.observed(),
                    100 * policy.reactiveTargetUtilization, a.instances));
        }
        RiskAssessor.Assessment risk = assessor.assess(o, rp, 0, lc);
        a.confidence = risk.confidence();
        a.risk = risk.level().name();
        if (risk.level() == RiskLevel.REACTIVE) {
            a.factor = 1.0;
            a.instances = reactiveInstances(o.observed(), rp);
            return new Resolved(a, Double.NaN, String.format(Locale.ROOT,
                    "reactive fallback for %s (%s): observed %.4g, target tracking at %.0f%% -> %d", name, risk.why(),
                    o.observed(), 100 * policy.reactiveTargetUtilization, a.instances));
        }
        if (bounds != null && bounds.ready()) {
            return resolveCalibrated(o, rp, current, bounds, a, risk.level());
        }
        double err = Double.isFinite(o.recentError()) ? Math.max(0, o.recentError()) : RiskAssessor.UNKNOWN_ERROR;
        double headroom = Math.max(rp.minHeadroom, Math.min(rp.maxHeadroom, rp.headroomPerError * err));
        double observed = Double.isFinite(o.observed()) ? Math.max(0, o.observed()) : 0;
        double demand = Math.max(Double.isFinite(a.forecastP50) ? a.forecastP50 : 0, observed) * (1 + headroom);
        double need = demand / rp.capacityPerInstance;
        double gap = need - current;
        double factor = rp.factor(risk.level());
        a.factor = factor;
        double band = 1.0;
        double target;
        if (gap > 0) {
            band = rp.bandAdjustment(gap / Math.max(1, current));
            target = current + gap * factor * band;
        } else {
            // A confident scale-in may go further than the gap, but never below the forecast's own need.
            target = Math.max(need, current + gap * factor);
        }
        a.instances = Math.max(0, (int) Math.ceil(target - 1e-9));
        double upper = Double.NaN;
        if (f != null && f.horizon() > 0) {
            upper = Math.max(maxOver(f.p90(), lw, lc), observed) * (1 + headroom) / rp.capacityPerInstance;
        }
        String why = String.format(Locale.ROOT,
                "%s forecast %.4g over the next %d steps (p90 %.4g, observed %.4g, headroom %.0f%%), confidence %.2f %s: "
                        + "need %.1f vs current %d, change x%.2f x band %.2f -> %d",
                name, a.forecastP50, cover + 1, a.forecastP90, observed, 100 * headroom, a.confidence, a.risk, need, current,
                factor, band, a.instances);
        return new Resolved(a, upper, why);
    }

    /**
     * The calibrated path: the need is the calibrated upper bound over the near horizon in
     * instances; the risk factor weighs the gap to it, the band steepens large scale-outs, and a
     * scale-in never goes below the need. The warm pool is sized from the far-horizon bound.
     */
    private Resolved resolveCalibrated(ResourceOutlook o, ResourcePolicy rp, int current, DemandCalibrator.Bounds b,
            ResourceAssessment a, RiskLevel level) {
        String name = o.type().jsonName();
        a.forecastP50 = b.point();
        a.forecastP90 = b.near();
        double need = b.near() / rp.capacityPerInstance;
        double gap = need - current;
        double factor = rp.factor(level);
        a.factor = factor;
        double band = 1.0;
        double target;
        if (gap > 0) {
            band = rp.bandAdjustment(gap / Math.max(1, current));
            target = current + gap * factor * band;
        } else {
            target = Math.max(need, current + gap * factor);
        }
        a.instances = Math.max(0, (int) Math.ceil(target - 1e-9));
        double upper = b.far() / rp.capacityPerInstance;
        String why = String.format(Locale.ROOT,
                "%s point forecast %.4g, calibrated bound %.4g (miss level %.3f over %d scores, observed %.4g), confidence %.2f %s: "
                        + "need %.2f vs current %d, change x%.2f x band %.2f -> %d",
                name, b.point(), b.near(), b.alpha(), b.scores(), o.observed(), a.confidence, a.risk, need, current, factor, band,
                a.instances);
        return new Resolved(a, upper, why);
    }

    /** Target tracking on the latest observation: ceil(observed / (utilization x capacity per instance)). */
    int reactiveInstances(double observed, ResourcePolicy rp) {
        if (!Double.isFinite(observed) || observed <= 0) {
            return 0;
        }
        return (int) Math.ceil(observed / (policy.reactiveTargetUtilization * rp.capacityPerInstance));
    }

    private static double maxOver(double[] x, int from, int to) {
        double m = Double.NaN;
        int hi = Math.min(to, x.length - 1);
        for (int i = Math.max(0, Math.min(from, x.length - 1)); i <= hi; i++) {
            if (Double.isFinite(x[i])) {
                m = Double.isFinite(m) ? Math.max(m, x[i]) : x[i];
            }
        }
        return m;
    }
}
