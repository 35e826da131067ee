package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceAssessment;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.job.scaling.TargetState;
import dev.prescale.models.Forecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per scaling target, in event time: sums its groups' forecasts for a window (partial sums from
 * {@link TargetPreAggregator}), and once event time passes the window end decides through the
 * {@link TargetDecider} with a clock at the window end.
 * Utilization records are applied at their own event time (never before a decision that precedes
 * them): they set the measured in-service count and feed the error against actual load.
 *
 * <p>The recent error given to the decider is the offline replay's measure ({@link
 * dev.prescale.job.scaling.LeadTimeErrorTracker}): each decision's p50 for the cold-lead window
 * ({@link ScalingPolicy#leadSteps} of the decider's cold-launch lead) is scored when that window is
 * observed, the mean over the last day of windows, NaN until min(12, windows per day) are scored.
 * It is scored against the window's aggregated observed demand and, per utilization record, against
 * the measured load of the window containing the record (the first record in a window scores it);
 * the utilization-based error wins once it has its minimum count.
 */
public class TargetDecisionFunction extends KeyedCoProcessFunction<String, TargetPartial, Utilization, ScalingDecision> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TargetDecisionFunction.class);

    private final TargetDecider decider;
    private transient MapState<Long, TargetWindow> windows;
    private transient MapState<Long, Utilization> utilization;
    private transient ValueState<TargetState> targetState;
    private transient ValueState<TargetErrors> errors;
    private transient Counter decisions;
    private transient Counter lateForecasts;
    private transient Counter skippedWindows;
    private transient TargetMetrics targetMetrics;

    public TargetDecisionFunction(TargetDecider decider) {
        this.decider = decider;
    }

    @Override
    public void open(OpenContext openContext) {
        windows = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("windows", Types.LONG, TypeInformation.of(TargetWindow.class)));
        utilization = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("utilization", Types.LONG, TypeInformation.of(Utilization.class)));
        targetState = getRuntimeContext().getState(new ValueStateDescriptor<>("target-state", TypeInformation.of(TargetState.class)));
        errors = getRuntimeContext().getState(new ValueStateDescriptor<>("errors", TypeInformation.of(TargetErrors.class)));
        decisions = getRuntimeContext().getMetricGroup().counter("decisions");
        lateForecasts = getRuntimeContext().getMetricGroup().counter("lateForecasts");
        skippedWindows = getRuntimeContext().getMetricGroup().counter("skippedWindows");
        targetMetrics = new TargetMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement1(TargetPartial p, Context ctx, Collector<ScalingDecision> out) throws Exception {
        long windowEnd = p.windowEnd();
        long fireAt = windowEnd - 1;
        if (fireAt <= ctx.timerService().currentWatermark()) {
            // Its window was decided already (not expected with the operators upstream): counted and
            // logged, never dropped silently.
            lateForecasts.inc(p.sums.groups);
            LOG.warn("forecasts of {} group(s) of target {} for the window ending {} arrived after that window was decided (watermark {})",
                    p.sums.groups, p.target, windowEnd, ctx.timerService().currentWatermark());
            return;
        }
        TargetWindow w = windows.get(windowEnd);
        if (w == null) {
            w = p.sums; // the first partial of the window: its sums as they are
            ctx.timerService().registerEventTimeTimer(fireAt);
        } else {
            w.merge(p);
        }
        windows.put(windowEnd, w);
    }

    @Override
    public void processElement2(Utilization u, Context ctx, Collector<ScalingDecision> out) throws Exception {
        if (u.ts <= ctx.timerService().currentWatermark()) {
            apply(u);
        } else {
            utilization.put(u.ts, u);
            ctx.timerService().registerEventTimeTimer(u.ts);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScalingDecision> out) throws Exception {
        Utilization u = utilization.get(timestamp);
        if (u != null) {
            apply(u);
            utilization.remove(timestamp);
        }
        TargetWindow w = windows.get(timestamp + 1);
        if (w != null) {
            windows.remove(timestamp + 1);
            decide(ctx.getCurrentKey(), w, out);
        }
    }

    private void apply(Utilization u) throws Exception {
        TargetState s = state();
        if (u.inService != null && u.ts >= s.measuredAtMillis) {
            s.measuredInService = u.inService;
            s.measuredAtMillis = u.ts;
            targetState.update(s);
        }
        TargetErrors e = errors.value();
        if (e == null) {
            return; // no forecast yet, so nothing to compare with
        }
        long step = e.stepOf(u.ts);
        for (ResourceType type : ResourceType.values()) {
            Double actual = u.get(type);
            if (actual != null) {
                e.vsUtilization[type.ordinal()].observe(step, actual);
            }
        }
        errors.update(e);
    }

    private void decide(String target, TargetWindow w, Collector<ScalingDecision> out) throws Exception {
        // The error is measured at the cold lead, exactly as the offline replay does (one shared class).
        int lead = ScalingPolicy.leadSteps(decider.coldLaunchLeadSeconds(target), w.stepMillis);
        TargetErrors e = errors.value();
        if (e == null || !e.measures(w.stepMillis, lead)) {
            e = TargetErrors.create(w.stepMillis, lead, w.windowEnd);
        }
        long observedStep = e.stepOf(w.windowEnd - 1);
        List<ResourceOutlook> outlooks = new ArrayList<>();
        for (ResourceType type : ResourceType.values()) {
            int r = type.ordinal();
            // The window just observed scores the forecast made lead + 1 windows ago, before the error is read.
            e.vsObserved[r].observe(observedStep, w.observed[r]);
            Forecast f = new Forecast(target + "/" + type.jsonName(), w.windowEnd, w.stepMillis,
                    w.p10[r], w.p50[r], w.p90[r], w.model, w.note);
            outlooks.add(new ResourceOutlook(type, f, w.observed[r], w.historySteps, e.recentError(r)));
        }
        for (int r = 0; r < w.p50.length; r++) {
            e.vsObserved[r].expectAfter(observedStep, w.p50[r]);
            e.vsUtilization[r].expectAfter(observedStep, w.p50[r]);
        }
        errors.update(e);

        TargetState s = state();
        long gap = s.lastDecisionMillis == Long.MIN_VALUE ? 0 : w.windowEnd - s.lastDecisionMillis;
        if (gap > w.stepMillis) {
            // Windows of this target without a decision (no traffic, or a restore from an older savepoint).
            skippedWindows.inc(gap / w.stepMillis - 1);
        }
        ScalingDecision d = decider.decide(target, w.windowEnd, outlooks, s);
        s.lastDecisionMillis = w.windowEnd;
        targetState.update(s);
        if (d != null) {
            if (d.target == null) {
                d.target = target;
            }
            if (d.timestamp == 0) {
                d.timestamp = w.windowEnd;
            }
            if (d.modelVersion == null) {
                d.modelVersion = w.model;
            }
            decisions.inc();
            ResourceAssessment driver = TargetMetrics.driver(d);
            ResourceType driverType = null;
            for (Map.Entry<ResourceType, ResourceAssessment> a : d.resources.entrySet()) {
                if (a.getValue() == driver) {
                    driverType = a.getKey();
                }
            }
            targetMetrics.update(d, driverType == null ? Double.NaN : e.recentError(driverType.ordinal()));
            out.collect(d);
        }
    }

    private TargetState state() throws Exception {
        TargetState s = targetState.value();
        return s == null ? new TargetState() : s;
    }

    /** Pending windows, for tests. */
    Iterable<Map.Entry<Long, TargetWindow>> pendingWindows() throws Exception {
        return windows.entries();
    }
}
