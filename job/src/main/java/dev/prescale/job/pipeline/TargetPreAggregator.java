package dev.prescale.job.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Sums the group forecasts of each target and window before the {@code keyBy(target)}, chained to
 * the forecasts: one {@link TargetPartial} per target and window goes to the decisions instead of
 * one forecast per group. Many groups feed one target (all 10,000 of the benchmark's), so without
 * it the target's single key read, summed and rewrote its window's sums in RocksDB once per group.
 *
 * <p>A window's partials are sent before the watermark that reaches the window's last millisecond,
 * the watermark at which {@link TargetDecisionFunction} decides it, so they are never late there.
 * A forecast whose window this watermark has passed already is sent at once, alone (late at the
 * decisions, counted and logged there, as before). Held partials are operator state: a checkpoint
 * keeps them as they are (a window is not split by a barrier, so its sums are added in the same
 * order as without this operator); everything is sent before an IDLE watermark status (the
 * decisions stop waiting for an idle channel) and at the end of input.
 */
public class TargetPreAggregator extends AbstractStreamOperator<TargetPartial>
        implements OneInputStreamOperator<GroupForecast, TargetPartial>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** The operator's uid in the job graph (its held partials are in checkpoints and savepoints). */
    public static final String UID = "target-pre-aggregation";

    /** Window end -> target -> partial, in the order the targets came. */
    private transient TreeMap<Long, Map<String, TargetPartial>> open;
    private transient ListState<TargetPartial> held;
    private transient long watermark;
    private transient Counter forecasts;
    private transient Counter partialsSent;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        held = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("held-target-partials", TypeInformation.of(TargetPartial.class)));
        open = new TreeMap<>();
        watermark = Long.MIN_VALUE;
        for (TargetPartial p : held.get()) {
            // After a rescale two subtasks' partials of one target and window may meet here.
            TargetPartial there = open.computeIfAbsent(p.windowEnd(), e -> new LinkedHashMap<>()).putIfAbsent(p.target, p);
            if (there != null) {
                there.merge(p);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        forecasts = getMetricGroup().counter("forecastsSummed");
        partialsSent = getMetricGroup().counter("targetPartialsSent");
    }

    @Override
    public void processElement(StreamRecord<GroupForecast> element) {
        GroupForecast f = element.getValue();
        forecasts.inc();
        if (f.windowEnd - 1 <= watermark) {
            emit(TargetPartial.of(f)); // its window was decided already: the decisions count and log it
            return;
        }
        open.computeIfAbsent(f.windowEnd, e -> new LinkedHashMap<>()).computeIfAbsent(f.target, TargetPartial::new).add(f);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        emitDecided(watermark);
        super.processWatermark(mark); // after the partials of the windows it closes
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            emitDecided(Long.MAX_VALUE); // the decisions' event time may pass these windows without this channel
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<TargetPartial> all = new ArrayList<>();
        for (Map<String, TargetPartial> targets : open.values()) {
            all.addAll(targets.values());
        }
        held.update(all);
    }

    @Override
    public void endInput() {
        emitDecided(Long.MAX_VALUE);
    }

    @Override
    public void finish() throws Exception {
        emitDecided(Long.MAX_VALUE);
        super.finish();
    }

    /** Target partials held now (tests). */
    int heldPartials() {
        int n = 0;
        for (Map<String, TargetPartial> targets : open.values()) {
            n += targets.size();
        }
        return n;
    }

    /** Sends the partials of every window decided at this watermark (windowEnd - 1 &lt;= it; MAX_VALUE: all), oldest first. */
    private void emitDecided(long upTo) {
        while (!open.isEmpty() && open.firstKey() - 1 <= upTo) {
            for (TargetPartial p : open.pollFirstEntry().getValue().values()) {
                emit(p);
            }
        }
    }

    private void emit(TargetPartial p) {
        partialsSent.inc();
        output.collect(new StreamRecord<>(p, p.windowEnd() - 1));
    }
}
