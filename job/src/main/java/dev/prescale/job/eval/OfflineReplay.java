package dev.prescale.job.eval;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.scaling.LeadTimeErrorTracker;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.ResourcePolicy;
import dev.prescale.job.scaling.ScalingEngine;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.job.scaling.TargetState;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import dev.prescale.models.trace.Trace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the {@link ScalingEngine} over a trace step by step without Flink, causally: after step t
 * the forecaster sees only values up to t, the forecast's origin and the decision's timestamp are
 * the end of step t, and the recent error compares earlier forecasts with values already observed.
 * The trace's single series is scaled as CPU with C demand units per instance (the simulated
 * group's capacity unit). Forecasts do not depend on decisions, so they are asked for in batches.
 */
public final class OfflineReplay {

    /**
     * The series id used for the trace's single series: the one the job gives the replayed group's
     * CPU ({@link FlinkReplay}), so that a forecaster that derives anything from the id (snaive's
     * staggered summary periods) answers both replays alike.
     */
    public static final String SERIES = FlinkReplay.GROUP + "/" + ResourceType.CPU.jsonName();
    private static final int BATCH = 256;

    private final ScalingPolicy policy;
    private final Forecaster forecaster;
    private final int historyDays;
    private final int minHorizon;

    /**
     * @param policy the policy; its resources' capacity per instance is replaced by C
     * @param forecaster any forecaster; the seasonal-naive baseline by default elsewhere
     * @param historyDays how many days of history each forecast request carries
     * @param minHorizon forecast at least this many steps (for plots); the cold lead + 1 at least
     */
    public OfflineReplay(ScalingPolicy policy, Forecaster forecaster, int historyDays, int minHorizon) {
        this.policy = policy;
        this.forecaster = forecaster;
        this.historyDays = historyDays;
        this.minHorizon = minHorizon;
    }

    /** One step of a replay: what was forecast after the step and what was decided. */
    public record Step(int index, long timeMillis, double value, Forecast forecast, double recentError, ScalingDecision decision) {}

    /** The policy with every resource's capacity per instance set to {@code capacityUnit}, CPU only. */
    public static ScalingPolicy forGroup(ScalingPolicy policy, double capacityUnit) {
        ScalingPolicy p = copy(policy);
        ResourcePolicy cpu = p.resources.getOrDefault(ResourceType.CPU, p.resources.values().iterator().next());
        cpu.capacityPerInstance = capacityUnit;
        p.resources.clear();
        p.resources.put(ResourceType.CPU, cpu);
        return p;
    }

    /** Replays the whole trace. */
    public List<Step> replay(Trace trace, double capacityUnit) {
        ScalingPolicy p = forGroup(policy, capacityUnit);
        SettableClock clock = new SettableClock(0);
        ScalingEngine engine = new ScalingEngine(p, clock);
        TargetState state = new TargetState();
        long step = trace.stepMillis();
        int lc = ScalingPolicy.leadSteps(p.coldLaunchLeadSeconds, step);
        int horizon = Math.max(minHorizon, lc + 1);
        int window = Math.max(1, historyDays * trace.stepsPerDay());
        // The same error measure as the job (TargetDecisionFunction): one day of steps, cold lead ahead.
        LeadTimeErrorTracker error = LeadTimeErrorTracker.forStep(step, lc);
        double[] v = trace.values();
        long[] times = trace.timesMillis();
        int n = v.length;
        List<Step> out = new ArrayList<>(n);
        for (int start = 0; start < n; start += BATCH) {
            int end = Math.min(n, start + BATCH);
            List<ForecastRequest> requests = new ArrayList<>(end - start);
            for (int t = start; t < end; t++) {
                double[] history = Arrays.copyOfRange(v, Math.max(0, t + 1 - window), t + 1);
                requests.add(ForecastRequest.of(SERIES, times[t] + step, step, history, horizon));
            }
            List<Forecast> forecasts = forecaster.forecast(requests);
            for (int t = start; t < end; t++) {
                Forecast f = forecasts.get(t - start);
                error.observe(t, v[t]);
                double err = error.relativeError();
                error.expectAfter(t, f.p50());
                clock.set(times[t] + step);
                ResourceOutlook outlook = new ResourceOutlook(ResourceType.CPU, f, v[t], t + 1, err);
                ScalingDecision d = engine.decide(trace.name(), List.of(outlook), state);
                out.add(new Step(t, times[t], v[t], f, err, d));
            }
        }
        return out;
    }

    /** The decision log of a replay, for the simulator. */
    public static List<Decision> decisions(List<Step> steps) {
        List<Decision> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            out.add(new Decision(s.decision().timestamp, s.decision().desiredCapacity, s.decision().warmPoolSize));
        }
        return out;
    }

    /** A deep copy through Java serialization (the policy is Serializable for Flink anyway). */
    static ScalingPolicy copy(ScalingPolicy policy) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(policy);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (ScalingPolicy) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
