package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.scaling.ResourceOutlook;
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

/**
 * Per scaling target, in event time: sums its groups' forecasts for a window, and once event time
 * passes the window end decides through the {@link TargetDecider} with a clock at the window end.
 * Utilization records are applied at their own event time (never before a decision that precedes
 * them): they set the measured in-service count and feed the error against actual load. The error
 * against the aggregated observed demand of the following windows is tracked as well.
 */
public class TargetDecisionFunction extends KeyedCoProcessFunction<String, GroupForecast, Utilization, ScalingDecision> {
    private static final long serialVersionUID = 1L;

    private final TargetDecider decider;
    private transient MapState<Long, TargetWindow> windows;
    private transient MapState<Long, Utilization> utilization;
    private transient ValueState<TargetState> targetState;
    private transient ValueState<TargetErrors> errors;
    private transient Counter decisions;

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
    }

    @Override
    public void processElement1(GroupForecast f, Context ctx, Collector<ScalingDecision> out) throws Exception {
        long fireAt = f.windowEnd - 1;
        if (fireAt <= ctx.timerService().currentWatermark()) {
            return; // its window was decided already; cannot happen with the operators upstream
        }
        TargetWindow w = windows.get(f.windowEnd);
        if (w == null) {
            w = new TargetWindow();
            ctx.timerService().registerEventTimeTimer(fireAt);
        }
        w.add(f);
        windows.put(f.windowEnd, w);
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
        TargetErrors e = errors();
        for (ResourceType type : ResourceType.values()) {
            Double actual = u.get(type);
            if (actual != null) {
                e.vsUtilization[type.ordinal()].add(actual, e.forecastAt(type.ordinal(), u.ts));
            }
        }
        errors.update(e);
    }

    private void decide(String target, TargetWindow w, Collector<ScalingDecision> out) throws Exception {
        TargetErrors e = errors();
        List<ResourceOutlook> outlooks = new ArrayList<>();
        for (ResourceType type : ResourceType.values()) {
            int r = type.ordinal();
            // The window just observed against what the last forecast said about it.
            e.vsObserved[r].add(w.observed[r], e.forecastAt(r, w.windowEnd - w.stepMillis));
            Forecast f = new Forecast(target + "/" + type.jsonName(), w.windowEnd, w.stepMillis,
                    w.p10[r], w.p50[r], w.p90[r], w.model, w.note);
            outlooks.add(new ResourceOutlook(type, f, w.observed[r], w.historySteps, e.recentError(r)));
        }
        e.lastOrigin = w.windowEnd;
        e.lastStep = w.stepMillis;
        e.lastP50 = new double[w.p50.length][];
        for (int r = 0; r < w.p50.length; r++) {
            e.lastP50[r] = w.p50[r].clone();
        }
        errors.update(e);

        TargetState s = state();
        ScalingDecision d = decider.decide(target, w.windowEnd, outlooks, s);
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
            out.collect(d);
        }
    }

    private TargetState state() throws Exception {
        TargetState s = targetState.value();
        return s == null ? new TargetState() : s;
    }

    private TargetErrors errors() throws Exception {
        TargetErrors e = errors.value();
        return e == null ? TargetErrors.create() : e;
    }

    /** Pending windows, for tests. */
    Iterable<Map.Entry<Long, TargetWindow>> pendingWindows() throws Exception {
        return windows.entries();
    }
}
