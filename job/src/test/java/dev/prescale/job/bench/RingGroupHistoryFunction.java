package dev.prescale.job.bench;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupWindow;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The group history operator before issue 8 (benchmark and reference only): keeps each group's
 * recent windows in a bounded ring (keyed state with TTL, so groups that went
 * away are cleaned up) and asks for a forecast after every new window; updates of past windows
 * only correct the history.
 */
public class RingGroupHistoryFunction extends KeyedProcessFunction<String, GroupWindow, ForecastTask> {
    private static final long serialVersionUID = 1L;

    static final String[] COVARIATES = {"apiCalls", "dataAccesses", "uiEvents", "distinctUsers"};
    private static final int[] COVARIATE_SERIES = {
        RingGroupHistory.API_CALLS, RingGroupHistory.DATA_ACCESSES, RingGroupHistory.UI_EVENTS, RingGroupHistory.USERS
    };
    private static final int[] RESOURCE_SERIES = new int[ResourceType.values().length];

    static {
        RESOURCE_SERIES[ResourceType.CPU.ordinal()] = RingGroupHistory.CPU;
        RESOURCE_SERIES[ResourceType.MEMORY.ordinal()] = RingGroupHistory.MEMORY;
        RESOURCE_SERIES[ResourceType.STORAGE.ordinal()] = RingGroupHistory.STORAGE;
        RESOURCE_SERIES[ResourceType.NETWORK.ordinal()] = RingGroupHistory.NETWORK;
    }

    private final int capacity;
    private final long windowMillis;
    private final int horizon;
    private final long ttlMillis;
    private transient ValueState<RingGroupHistory> history;

    public RingGroupHistoryFunction(int capacity, long windowMillis, int horizon, long ttlMillis) {
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.horizon = horizon;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<RingGroupHistory> d = new ValueStateDescriptor<>("history", TypeInformation.of(RingGroupHistory.class));
        // TTL is in processing time (all Flink offers); a group quiet for the TTL starts afresh.
        d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMillis))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .neverReturnExpired()
                .build());
        history = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(GroupWindow w, Context ctx, Collector<ForecastTask> out) throws Exception {
        RingGroupHistory h = history.value();
        if (h == null) {
            h = new RingGroupHistory(capacity, windowMillis);
        } else if (h.capacity() != capacity || h.windowMillis != windowMillis) {
            h = h.resized(capacity, windowMillis);
        }
        h.put(w);
        history.update(h);
        if (w.update || w.windowEnd < h.lastWindowEnd) {
            return; // a correction of the past: the forecast from that point has already been made
        }
        ForecastTask t = new ForecastTask();
        t.group = w.group;
        t.windowEnd = w.windowEnd;
        t.stepMillis = windowMillis;
        t.horizon = horizon;
        t.historySteps = h.historySteps(w.windowEnd);
        int resources = ResourceType.values().length;
        t.history = new double[resources][];
        t.observed = new double[resources];
        // Only the known windows: NaN padding before the group's first window would make a
        // forecaster take a young group for one with a full (but missing) season of history.
        int known = Math.max(1, t.historySteps);
        for (int r = 0; r < resources; r++) {
            t.history[r] = knownTail(h.series(RESOURCE_SERIES[r], w.windowEnd), known);
            t.observed[r] = t.history[r][t.history[r].length - 1];
        }
        t.covariateNames = COVARIATES.clone();
        t.covariates = new double[COVARIATES.length][];
        for (int c = 0; c < COVARIATES.length; c++) {
            t.covariates[c] = knownTail(h.series(COVARIATE_SERIES[c], w.windowEnd), known);
        }
        out.collect(t);
    }

    private static double[] knownTail(double[] series, int known) {
        return known >= series.length ? series : java.util.Arrays.copyOfRange(series, series.length - known, series.length);
    }
}
