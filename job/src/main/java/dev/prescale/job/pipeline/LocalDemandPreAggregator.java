package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * Local ("mini-batch") pre-aggregation before the {@code keyBy(group)}: sums the interactions of
 * each (group, tumbling window) in heap and sends one {@link PartialDemand} per group and window
 * instead of every interaction, so the shuffle and the window state see a few records per group and
 * window. Stateless: everything it holds is emitted before each checkpoint barrier, so a checkpoint
 * keeps all sums in the window operator's state.
 *
 * <p>Emission keeps event time intact: the partials of every window a watermark closes are sent
 * before that watermark, each with the window's max timestamp as record timestamp (the downstream
 * tumbling window assigns it to the same window). An element whose window is already late (Flink's
 * rule: max timestamp + allowed lateness &lt;= current watermark) goes unchanged to the late side
 * output; one whose window is closed but within the allowed lateness is sent at once as a partial
 * of its own (it re-fires the window, as the element itself would).
 *
 * <p>Everything held is also sent before an IDLE watermark status is forwarded: the window stops
 * waiting for an idle channel, and partials held behind it would otherwise come after their window
 * fired. The watermark used here is this subtask's own; the window operator sees the minimum over all
 * upstream subtasks, which is never higher. So a partial is never late at the window, but at
 * parallelism &gt; 1 an element may be judged late here that the window alone would still have
 * taken (the subtasks' watermarks differ by less than their skew).
 */
public class LocalDemandPreAggregator extends AbstractStreamOperator<PartialDemand>
        implements OneInputStreamOperator<Interaction, PartialDemand>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private final int maxKeys;
    private final OutputTag<Interaction> lateTag;

    /** Window start -> group -> sums; sorted by start so a watermark flushes a prefix. */
    private transient TreeMap<Long, Map<String, PartialDemand>> open;
    private transient int keys;
    /** The window the previous element went to (most do), to skip the boxed TreeMap lookup. */
    private transient long lastStart;
    private transient Map<String, PartialDemand> lastGroups;
    private transient long watermark;
    private transient DemandAggregator adder;
    private transient Counter preAggregated;
    private transient Counter emitted;

    public LocalDemandPreAggregator(long windowMillis, long allowedLatenessMillis, int maxKeys, OutputTag<Interaction> lateTag) {
        if (windowMillis <= 0 || allowedLatenessMillis < 0 || maxKeys < 1) {
            throw new IllegalArgumentException("window " + windowMillis + ", lateness " + allowedLatenessMillis + ", maxKeys " + maxKeys);
        }
        this.windowMillis = windowMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.maxKeys = maxKeys;
        this.lateTag = lateTag;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new TreeMap<>();
        keys = 0;
        watermark = Long.MIN_VALUE;
        adder = new DemandAggregator();
        preAggregated = getMetricGroup().counter("preAggregatedRecords");
        emitted = getMetricGroup().counter("partialsEmitted");
    }

    @Override
    public void processElement(StreamRecord<Interaction> element) throws Exception {
        if (!element.hasTimestamp()) {
            // The same refusal as the event-time window it feeds.
            throw new IllegalStateException("Record has no timestamp: is the time characteristic set to 'ProcessingTime', "
                    + "or did you forget to call 'assignTimestampsAndWatermarks(...)'?");
        }
        long start = TimeWindow.getWindowStartWithOffset(element.getTimestamp(), 0, windowMillis);
        long maxTimestamp = start + windowMillis - 1;
        if (cleanupTime(maxTimestamp) <= watermark) {
            output.collect(lateTag, element);
            return;
        }
        Interaction i = element.getValue();
        preAggregated.inc();
        if (maxTimestamp <= watermark) {
            // Closed but within the allowed lateness: the window re-fires now, as for the element itself.
            PartialDemand alone = new PartialDemand(i.group, start);
            adder.add(i, alone.sums);
            emit(alone);
            return;
        }
        Map<String, PartialDemand> groups = groupsOf(start);
        PartialDemand p = groups.get(i.group);
        if (p == null) {
            p = new PartialDemand(i.group, start);
            groups.put(i.group, p);
            keys++;
        }
        adder.add(i, p.sums);
        if (keys > maxKeys) {
            emitAll();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        // Windows whose max timestamp the watermark reached: start <= watermark - (size - 1).
        long lastClosedStart = watermark - (windowMillis - 1);
        if (lastClosedStart <= watermark) { // else it underflowed: no window can have closed yet
            Iterator<Map<String, PartialDemand>> closed = open.headMap(lastClosedStart, true).values().iterator();
            while (closed.hasNext()) {
                emitWindow(closed.next());
                closed.remove();
            }
            lastGroups = null;
        }
        super.processWatermark(mark); // after the partials it closes
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            // Downstream stops waiting for an idle channel: its watermark may pass the open windows
            // held here, so they go first (not late: that watermark still counts this channel).
            emitAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emitAll(); // nothing is held across a barrier: the checkpoint needs no state here
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        emitAll();
    }

    @Override
    public void finish() throws Exception {
        emitAll();
        super.finish();
    }

    /** How many (group, window) sums are held now. */
    int heldKeys() {
        return keys;
    }

    private Map<String, PartialDemand> groupsOf(long start) {
        if (lastGroups == null || start != lastStart) {
            lastGroups = open.computeIfAbsent(start, s -> new HashMap<>());
            lastStart = start;
        }
        return lastGroups;
    }

    private long cleanupTime(long maxTimestamp) {
        long t = maxTimestamp + allowedLatenessMillis;
        return t >= maxTimestamp ? t : Long.MAX_VALUE; // overflow: never cleaned up
    }

    private void emitAll() {
        for (Map<String, PartialDemand> groups : open.values()) {
            emitWindow(groups);
        }
        open.clear();
        lastGroups = null;
        keys = 0;
    }

    private void emitWindow(Map<String, PartialDemand> groups) {
        for (PartialDemand p : groups.values()) {
            emit(p);
        }
        keys -= groups.size();
    }

    private void emit(PartialDemand p) {
        emitted.inc();
        output.collect(new StreamRecord<>(p, p.windowStart + windowMillis - 1));
    }
}
