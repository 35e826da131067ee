package dev.prescale.job.pipeline;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalAggregatingState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The tumbling event-time window over pre-aggregated {@link PartialDemand}s (after the
 * {@code keyBy(group)}), with the open windows' sums in heap between checkpoints: every partial is
 * a hash lookup and an add, and the sums go to keyed state only when a checkpoint is taken (and a
 * window that fired goes there to wait for late partials when the allowed lateness is above 0).
 *
 * <p>Why not Flink's {@code WindowOperator}: with RocksDB it reads and writes the window's
 * serialized sums for every partial and reads and deletes them when the window fires, four state
 * operations per group and window (0.13 of a core at 10,000 groups in the benchmark, on a machine
 * whose source thread shares the cores; BENCHMARKS.md, twelfth and thirteenth passes). Here a
 * window that opens and fires between two checkpoints never touches the state backend.
 *
 * <p>Same results and the same state as {@link DemandWindows#perEvent}'s {@code WindowOperator}
 * with {@code TumblingEventTimeWindows}, {@code EventTimeTrigger}, {@link PartialDemandAggregator}
 * and {@link WindowResultFunction}: the sums in {@value #CONTENTS} (an aggregating state, namespace
 * the window), the event-time timers in {@value #TIMERS}, the re-firing flag in {@code fired}; so a
 * savepoint of either restores into the other, and Flink's key groups rescale it. On restore
 * every window in state is read back into heap (the heap then holds every window of this subtask
 * whose sums are in state and may still change, so a new partial never has to look in state).
 * The heap holds at most {@code maxHeld} group-windows: beyond that, every held sum that changed is
 * written to state and the heap is emptied ("spilled"); a partial of a spilled window then reads its
 * sums back from state first, as Flink's window does for every partial.
 * Late partials (window past its allowed lateness) go to the late side output (counted and
 * dead-lettered by {@link LatePartialToDeadLetter}).
 */
public final class PartialDemandWindowOperator extends AbstractStreamOperator<GroupWindow>
        implements OneInputStreamOperator<PartialDemand, GroupWindow>, Triggerable<String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /** The window contents' state name, as Flink's {@code WindowOperator} names it. */
    static final String CONTENTS = "window-contents";
    /** The timer service's name, as Flink's {@code WindowOperator} names it. */
    static final String TIMERS = "window-timers";

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private final int k;
    private final int maxHeld;
    private final OutputTag<PartialDemand> lateTag;

    private transient InternalAggregatingState<String, TimeWindow, PartialDemand, DemandAccumulator, DemandAccumulator> contents;
    private transient TypeSerializer<DemandAccumulator> sumsSerializer;
    private transient TimeWindow.Serializer windowSerializer;
    private transient ValueStateDescriptor<Boolean> firedDescriptor;
    private transient InternalTimerService<TimeWindow> timers;
    private transient DemandAggregator adder;
    /** Window start -> group -> sums held in heap. */
    private transient TreeMap<Long, Map<String, Held>> open;
    private transient Map<String, Held> lastWindowGroups;
    private transient long lastWindowStart;
    private transient int heldCount;
    /** Starts of the windows whose sums were spilled to state and not yet cleaned up (their partials look there). */
    private transient TreeSet<Long> spilled;
    private transient Counter stateWrites;
    private transient Counter spills;

    /** One group's sums in one window, and where they stand against the keyed state. */
    private static final class Held {
        final DemandAccumulator sums;
        /** The sums in state are older than these (or there are none). */
        boolean dirty;
        /** The state holds sums of this window (to delete when it is cleaned up). */
        boolean inState;
        /** The window fired before (only with allowed lateness; read back on restore). */
        boolean fired;
        /**
         * This operator registered the window's timers for it (read back from state: a window that
         * fired before a restore has only its cleanup timer; the next partial sets the firing one, as Flink's does).
         */
        boolean timersSet;

        Held(DemandAccumulator sums) {
            this.sums = sums;
        }
    }

    /**
     * @param windowMillis the tumbling window's size
     * @param allowedLatenessMillis how long after its end a window still takes (and re-fires on) partials
     * @param k the k of k-anonymity ({@link WindowResultFunction})
     * @param maxHeld how many (group, window) sums the heap holds at most before it spills them to state
     * @param lateTag where partials later than the allowed lateness go
     */
    public PartialDemandWindowOperator(long windowMillis, long allowedLatenessMillis, int k, int maxHeld,
            OutputTag<PartialDemand> lateTag) {
        if (windowMillis <= 0 || allowedLatenessMillis < 0 || maxHeld < 1) {
            throw new IllegalArgumentException("window " + windowMillis + " ms, allowed lateness " + allowedLatenessMillis
                    + " ms, at most " + maxHeld + " held");
        }
        this.windowMillis = windowMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.k = k;
        this.maxHeld = maxHeld;
        this.lateTag = lateTag;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        adder = new DemandAggregator();
        AggregatingStateDescriptor<PartialDemand, DemandAccumulator, DemandAccumulator> descriptor = new AggregatingStateDescriptor<>(
                CONTENTS, new PartialDemandAggregator(), TypeInformation.of(DemandAccumulator.class));
        windowSerializer = new TimeWindow.Serializer();
        contents = (InternalAggregatingState<String, TimeWindow, PartialDemand, DemandAccumulator, DemandAccumulator>)
                getOrCreateKeyedState(windowSerializer, descriptor);
        sumsSerializer = contents.getValueSerializer();
        firedDescriptor = new ValueStateDescriptor<>(WindowResultFunction.FIRED, Types.BOOLEAN);
        timers = getInternalTimerService(TIMERS, windowSerializer, this);
        open = new TreeMap<>();
        lastWindowGroups = null;
        heldCount = 0;
        spilled = new TreeSet<>();
        stateWrites = getMetricGroup().counter("windowStateWrites");
        spills = getMetricGroup().counter("windowSpills");
        getMetricGroup().gauge("windowsHeld", () -> heldCount);
        readBackFromState();
    }

    /**
     * Every window in state (restored, or written before) into heap, as it is there; more than the heap
     * may hold stay in state, as spilled (read back at each group-window's next partial).
     */
    private void readBackFromState() throws Exception {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        List<Tuple2<String, TimeWindow>> stored;
        try (Stream<Tuple2<String, TimeWindow>> s = backend.getKeysAndNamespaces(CONTENTS)) {
            stored = new ArrayList<>(s.map(e -> Tuple2.of(e.f0, e.f1)).toList());
        }
        if (stored.size() > maxHeld) {
            for (Tuple2<String, TimeWindow> e : stored) {
                spilled.add(e.f1.getStart());
            }
            spills.inc();
            return;
        }
        for (Tuple2<String, TimeWindow> e : stored) {
            setCurrentKey(e.f0);
            Held h = fromState(e.f1);
            if (h != null) {
                groupsOf(e.f1.getStart()).put(e.f0, h);
                heldCount++;
            }
        }
    }

    @Override
    public void processElement(StreamRecord<PartialDemand> record) throws Exception {
        if (!record.hasTimestamp()) {
            throw new IllegalStateException("a partial without a timestamp: the pre-aggregation sets the window's max timestamp");
        }
        long start = TimeWindow.getWindowStartWithOffset(record.getTimestamp(), 0, windowMillis);
        TimeWindow window = windowOf(start);
        long watermark = timers.currentWatermark();
        if (cleanupTime(window) <= watermark) {
            output.collect(lateTag, record);
            return;
        }
        String group = (String) getCurrentKey();
        PartialDemand p = record.getValue();
        if (window.maxTimestamp() <= watermark) {
            // Fired before, within the allowed lateness: add and fire again now, as the event-time trigger does.
            Held h = take(group, window);
            adder.merge(h.sums, p.sums);
            h.dirty = true;
            fire(group, window, h);
            keepForLateness(window, h);
            registerCleanupTimer(window);
            return;
        }
        Map<String, Held> groups = groupsOf(start);
        Held h = groups.get(group);
        if (h == null) {
            h = spilled.contains(start) ? fromState(window) : null;
            if (h == null) {
                h = new Held(adder.createAccumulator());
            }
            groups.put(group, h);
            heldCount++;
        }
        if (!h.timersSet) {
            timers.registerEventTimeTimer(window, window.maxTimestamp());
            registerCleanupTimer(window);
            h.timersSet = true;
        }
        adder.merge(h.sums, p.sums);
        h.dirty = true;
        if (heldCount > maxHeld) {
            spill();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark); // fires (and cleans up) the windows it passes first
        long watermark = timers.currentWatermark();
        while (!spilled.isEmpty() && cleanupTime(windowOf(spilled.first())) <= watermark) {
            spilled.pollFirst(); // every group of it is cleaned up: nothing left to read back
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, TimeWindow> timer) throws Exception {
        TimeWindow window = timer.getNamespace();
        String group = timer.getKey();
        long time = timer.getTimestamp();
        boolean fires = time == window.maxTimestamp();
        boolean cleansUp = time == cleanupTime(window);
        if (!fires && !cleansUp) {
            return;
        }
        Held h = fires ? heldOrStored(group, window) : removeHeld(group, window);
        if (fires && h != null) {
            fire(group, window, h);
        }
        if (cleansUp) {
            if (h == null || h.inState) {
                contents.setCurrentNamespace(window);
                contents.clear();
            }
            if (refires()) {
                fired(window).clear();
            }
        } else if (h != null) {
            keepForLateness(window, h);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, TimeWindow> timer) {
        // The event-time trigger sets no processing-time timers.
    }

    /**
     * Writes the sums that changed since the last checkpoint into keyed state before the keyed state
     * backend takes its snapshot (it does right after this), so the checkpoint holds every open window.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        writeChanged();
    }

    /** Every held sum that changed into state, then none held: {@code maxHeld} was passed. */
    private void spill() throws Exception {
        writeChanged();
        spilled.addAll(open.keySet());
        open.clear();
        lastWindowGroups = null;
        heldCount = 0;
        spills.inc();
    }

    private void writeChanged() throws Exception {
        for (Map.Entry<Long, Map<String, Held>> w : open.entrySet()) {
            TimeWindow window = windowOf(w.getKey());
            for (Map.Entry<String, Held> e : w.getValue().entrySet()) {
                Held h = e.getValue();
                if (h.dirty) {
                    setCurrentKey(e.getKey());
                    write(window, h);
                }
            }
        }
    }

    /** How many (group, window) sums are held in heap now. */
    int heldWindows() {
        return heldCount;
    }

    /** How often the heap was spilled to state. */
    long spills() {
        return spills.getCount();
    }

    /** The sums of a group's window in keyed state, or null (tests; moves the current key). */
    DemandAccumulator storedSums(String group, long windowStart) throws Exception {
        setCurrentKey(group);
        contents.setCurrentNamespace(windowOf(windowStart));
        return contents.getInternal();
    }

    // ------------------------------------------------------------------ helpers

    private boolean refires() {
        return allowedLatenessMillis > 0;
    }

    /** The window's sums for a late partial: from heap (then no longer there) or state, or new. */
    private Held take(String group, TimeWindow window) throws Exception {
        Held h = heldOrStored(group, window);
        return h != null ? h : new Held(adder.createAccumulator());
    }

    /** The current key's sums of a window: from heap (then no longer there), else from state, else null. */
    private Held heldOrStored(String group, TimeWindow window) throws Exception {
        Held h = removeHeld(group, window);
        return h != null ? h : fromState(window);
    }

    /**
     * The current key's sums of a window from state, or null: a copy, since the heap backend's map
     * holds the very object, which must not change under a snapshot.
     */
    private Held fromState(TimeWindow window) throws Exception {
        contents.setCurrentNamespace(window);
        DemandAccumulator sums = contents.getInternal();
        if (sums == null) {
            return null;
        }
        Held h = new Held(sumsSerializer.copy(sums));
        h.inState = true;
        h.fired = refires() && Boolean.TRUE.equals(fired(window).value());
        return h;
    }

    /** A fired window's sums wait in state until its cleanup time (allowed lateness above 0), not in heap. */
    private void keepForLateness(TimeWindow window, Held h) throws Exception {
        if (h.dirty || !h.inState) {
            write(window, h);
        }
    }

    private void fire(String group, TimeWindow window, Held h) throws Exception {
        GroupWindow g = WindowResultFunction.result(group, window, h.sums, k);
        if (refires()) {
            g.update = h.fired;
            if (!h.fired) {
                h.fired = true;
                fired(window).update(true);
            }
        }
        output.collect(new StreamRecord<>(g, window.maxTimestamp()));
    }

    /** The current key's sums into state (a copy: the heap backend keeps the object it is given). */
    private void write(TimeWindow window, Held h) throws Exception {
        contents.setCurrentNamespace(window);
        contents.updateInternal(sumsSerializer.copy(h.sums));
        h.dirty = false;
        h.inState = true;
        stateWrites.inc();
    }

    private TimeWindow windowOf(long start) {
        return new TimeWindow(start, start + windowMillis);
    }

    private ValueState<Boolean> fired(TimeWindow window) throws Exception {
        return getPartitionedState(window, windowSerializer, firedDescriptor);
    }

    private Map<String, Held> groupsOf(long start) {
        if (lastWindowGroups == null || lastWindowStart != start) {
            lastWindowGroups = open.computeIfAbsent(start, s -> new HashMap<>());
            lastWindowStart = start;
        }
        return lastWindowGroups;
    }

    private Held removeHeld(String group, TimeWindow window) {
        Map<String, Held> groups = open.get(window.getStart());
        if (groups == null) {
            return null;
        }
        Held h = groups.remove(group);
        if (h != null) {
            heldCount--;
            if (groups.isEmpty()) {
                open.remove(window.getStart());
                if (groups == lastWindowGroups) {
                    lastWindowGroups = null;
                }
            }
        }
        return h;
    }

    private void registerCleanupTimer(TimeWindow window) {
        long cleanup = cleanupTime(window);
        if (cleanup != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(window, cleanup);
        }
    }

    /** When a window's state goes: its max timestamp plus the allowed lateness (never, on overflow), as Flink's. */
    private long cleanupTime(TimeWindow window) {
        long t = window.maxTimestamp() + allowedLatenessMillis;
        return t >= window.maxTimestamp() ? t : Long.MAX_VALUE;
    }
}
