package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import java.util.Arrays;
import java.util.Iterator;
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
 * keeps all sums in the window operator's state. Subclasses say what an input record is
 * ({@link LocalDemandPreAggregator}: a pseudonymized interaction; {@link AnonymizingPreAggregator}: a
 * payload with a raw user id) and how a user is counted.
 *
 * <p>Emission keeps event time intact: the partials of every window a watermark closes are sent
 * before that watermark, each with the window's max timestamp as record timestamp (the downstream
 * tumbling window assigns it to the same window). An interaction whose window is already late
 * (Flink's rule: max timestamp + allowed lateness &lt;= current watermark) goes to the late side
 * output; one whose window is closed but within the allowed lateness is sent at once as a partial
 * of its own (it re-fires the window, as the element itself would).
 *
 * <p>Everything held is also sent before an IDLE watermark status is forwarded: the window stops
 * waiting for an idle channel, and partials held behind it would otherwise come after their window
 * fired. The watermark used here is this subtask's own; the window operator sees the minimum over all
 * upstream subtasks, which is never higher. So a partial is never late at the window, but at
 * parallelism &gt; 1 an element may be judged late here that the window alone would still have
 * taken (the subtasks' watermarks differ by less than their skew).
 *
 * <p>Interactions the subclass made itself ({@link #holdsBack}) of the open window of the record
 * before are added {@link #BATCH} at a time, their groups' sums read for all of them first so that
 * the cache misses overlap ({@link #addPending}).
 * Anything else (another record, a watermark or status, a barrier, the end) adds the waiting ones
 * first, so the result is that of adding each as it came.
 *
 * @param <IN> the input records
 */
public abstract class PreAggregatingOperator<IN> extends AbstractStreamOperator<PartialDemand>
        implements OneInputStreamOperator<IN, PartialDemand>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /**
     * Interactions added together ({@link #addPending}). At 10,000 groups each interaction's sums are
     * mostly cache misses; read for a batch before any of it is added, the misses overlap.
     */
    static final int BATCH = 64;

    private final long windowMillis;
    private final long allowedLatenessMillis;
    private final int maxKeys;
    /** Where interactions later than the allowed lateness go. */
    protected final OutputTag<Interaction> lateTag;

    /** Window start -> group -> sums; sorted by start so a watermark flushes a prefix. */
    private transient TreeMap<Long, HeldByGroup> open;
    private transient int keys;
    /**
     * The sums of the window the record before went to (most do: {@link #rangeStart}), to skip the
     * boxed TreeMap lookup; null until looked up again.
     */
    private transient HeldByGroup lastGroups;
    /** The window sent last (kept until the next one is sent): {@link #recentOf} looks there. */
    private transient HeldByGroup lastSent;
    private transient long watermark;
    /** The window of the record before, as first and last timestamp (empty until the first record). */
    private transient long rangeStart;
    private transient long rangeMaxTimestamp;
    private transient DemandAggregator adder;
    /**
     * Interactions of the open window of the record before ({@link #lastGroups}), held back until
     * {@link #BATCH} are here or anything else happens ({@link #addPending}); their timestamps beside them.
     */
    private transient Interaction[] pending;
    private transient long[] pendingTimestamps;
    private transient int pendingCount;
    /** {@link #holdsBack()}, read once. */
    private transient boolean batches;
    /** The home slots' sums of the held-back interactions' groups, while {@link #addPending} reads them. */
    private transient Held[] homes;
    /** What {@link HeldByGroup#touch} read last, kept only so that its reads are not optimized away. */
    private transient long touched;
    private transient Counter preAggregated;
    private transient Counter emitted;

    /**
     * One group's sums in one window (the amounts and users of a {@link DemandAccumulator}, in this
     * object rather than behind two more: two cache misses per interaction fewer), and the fingerprints
     * a subclass keeps beside them until they are sent as a {@link PartialDemand}.
     */
    static final class Held extends DemandAccumulator {
        final String group;
        /** {@link HeldByGroup#spread} of the group's String hash. */
        final int hash;
        /**
         * The group's name packed ({@link HeldByGroup#packedLength}, {@link HeldByGroup#packed}): its
         * length and characters, compared here without reading the {@code String}; length -1: not packed.
         */
        final int packedLength;
        final long w0;
        final long w1;
        final long w2;
        final long windowStart;
        /**
         * Fingerprints of the raw ids counted so far ({@link AnonymizingPreAggregator}; heap only,
         * never sent, dropped with the partial); the first {@link #fingerprintCount} are used.
         */
        long[] fingerprints;
        int fingerprintCount;
        /**
         * The {@link DistinctUsers#hash} of each remembered user's pseudonym, beside its fingerprint:
         * added to {@link #users} in one step when the partial is sent ({@link #toPartial}), not one
         * sorted insert (and a new array) per user.
         */
        long[] pseudonymHashes;
        /**
         * A recent partial of the same group (the window before, or this window's partial sent at a
         * checkpoint), whose users likely come again: their pseudonym hashes are found there, next to
         * this partial, before the operator-wide cache. Dropped when this one is sent (no chains).
         */
        Held recent;
        /** Whether {@link #recent} was looked up. */
        boolean recentLooked;

        Held(String group, long windowStart, int fingerprintCapacity) {
            this.group = group;
            this.hash = HeldByGroup.spread(group.hashCode());
            this.packedLength = HeldByGroup.packedLength(group);
            boolean packed = packedLength >= 0;
            this.w0 = packed ? HeldByGroup.packed(group, 0) : 0;
            this.w1 = packed ? HeldByGroup.packed(group, 1) : 0;
            this.w2 = packed ? HeldByGroup.packed(group, 2) : 0;
            this.windowStart = windowStart;
            this.fingerprints = fingerprintCapacity == 0 ? NO_FINGERPRINTS : new long[fingerprintCapacity];
            this.pseudonymHashes = fingerprintCapacity == 0 ? NO_FINGERPRINTS : new long[fingerprintCapacity];
        }

        /** The pseudonym hash of the remembered user with this fingerprint, or {@link PseudonymHashCache#ABSENT}. */
        long pseudonymHashOf(long fingerprint) {
            long[] seen = fingerprints;
            for (int k = 0; k < fingerprintCount; k++) {
                if (seen[k] == fingerprint) {
                    return pseudonymHashes[k];
                }
            }
            return PseudonymHashCache.ABSENT;
        }

        /**
         * The sums as the record sent downstream, in a plain {@link DemandAccumulator} (the POJO the
         * window expects), merged in by {@code adder} so that every field of the accumulator comes along.
         */
        PartialDemand toPartial(DemandAggregator adder) {
            recent = null;
            addRememberedUsers();
            PartialDemand p = new PartialDemand(group, windowStart);
            adder.merge(p.sums, this);
            return p;
        }

        /** Adds the remembered users' pseudonym hashes to {@link #users} (they stay here too, for {@link #pseudonymHashOf}). */
        private void addRememberedUsers() {
            int n = fingerprintCount;
            if (n == 0 || pseudonymHashes == NO_FINGERPRINTS) {
                return;
            }
            long[] sorted = Arrays.copyOf(pseudonymHashes, n);
            Arrays.sort(sorted);
            int unique = 0;
            for (int k = 0; k < n; k++) {
                if (unique == 0 || sorted[k] != sorted[unique - 1]) {
                    sorted[unique++] = sorted[k];
                }
            }
            DistinctUsers remembered = new DistinctUsers();
            remembered.hashes = unique == n ? sorted : Arrays.copyOf(sorted, unique);
            users.addAll(remembered); // with those beyond the remembered ones, added one by one
        }
    }

    private static final long[] NO_FINGERPRINTS = new long[0];

    protected PreAggregatingOperator(long windowMillis, long allowedLatenessMillis, int maxKeys, OutputTag<Interaction> lateTag) {
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
        rangeStart = 0;
        rangeMaxTimestamp = -1;
        adder = new DemandAggregator();
        pending = new Interaction[BATCH];
        pendingTimestamps = new long[BATCH];
        homes = new Held[BATCH];
        pendingCount = 0;
        batches = holdsBack();
        preAggregated = getMetricGroup().counter("preAggregatedRecords");
        emitted = getMetricGroup().counter("partialsEmitted");
    }

    /** Counts one user of an interaction into a group's sums (the amounts are added already). */
    abstract void addUser(Interaction i, Held held);

    /** Room for fingerprints in a new partial ({@link Held#fingerprints}); 0 if the subclass keeps none. */
    int fingerprintCapacity() {
        return 0;
    }

    /**
     * Whether interactions may wait to be added in batches ({@link #addPending}): only those the
     * subclass made itself. With object reuse (the job's default) an upstream operator may change the
     * object it passed once {@code processElement} returns.
     */
    boolean holdsBack() {
        return false;
    }

    /** Sends an interaction later than the allowed lateness to {@link #lateTag}. */
    abstract void late(Interaction i, long timestamp);

    /**
     * Adds one interaction with its event time: held, re-fired alone (closed window), or late. One of
     * the open window of the record before waits in {@link #pending} to be added with the next ones;
     * any other first adds those, so that all are added in the order they came.
     */
    final void aggregate(Interaction i, long timestamp) {
        if (batches && lastGroups != null && timestamp >= rangeStart && timestamp <= rangeMaxTimestamp && keys + pendingCount < maxKeys) {
            // lastGroups is dropped whenever the watermark moves: this window is still open. And even if
            // every held-back interaction brought a new group, they would not pass maxKeys: holding them
            // back never delays sending everything.
            pending[pendingCount] = i;
            pendingTimestamps[pendingCount] = timestamp;
            if (++pendingCount == BATCH) {
                addPending();
            }
            return;
        }
        addPending();
        aggregateNow(i, timestamp);
    }

    /**
     * Adds the held-back interactions, in order. Each group's slot and sums are read for all of them
     * first ({@link HeldByGroup#touch}): independent reads whose cache misses the CPU overlaps, where
     * adding one after the other waits for each miss in turn.
     */
    final void addPending() {
        int n = pendingCount;
        if (n == 0) {
            return;
        }
        pendingCount = 0;
        // In three rounds, each over all of them: one round's reads do not wait for each other.
        HeldByGroup groups = lastGroups;
        Held[] home = homes;
        for (int k = 0; k < n; k++) {
            home[k] = groups.home(pending[k].group);
        }
        long t = 0;
        for (int k = 0; k < n; k++) {
            t += HeldByGroup.touch(home[k]);
        }
        for (int k = 0; k < n; k++) {
            t += HeldByGroup.touchFingerprints(home[k]);
            home[k] = null;
        }
        touched = t;
        for (int k = 0; k < n; k++) {
            Interaction i = pending[k];
            pending[k] = null;
            aggregateNow(i, pendingTimestamps[k]); // the same path as an interaction alone
        }
    }

    private void aggregateNow(Interaction i, long timestamp) {
        long start;
        long maxTimestamp;
        if (timestamp >= rangeStart && timestamp <= rangeMaxTimestamp) {
            start = rangeStart; // the window of the record before (most records): no division
            maxTimestamp = rangeMaxTimestamp;
        } else {
            start = TimeWindow.getWindowStartWithOffset(timestamp, 0, windowMillis);
            maxTimestamp = start + windowMillis - 1;
            rangeStart = start;
            rangeMaxTimestamp = maxTimestamp;
            lastGroups = null; // another window's
        }
        if (cleanupTime(maxTimestamp) <= watermark) {
            late(i, timestamp);
            return;
        }
        preAggregated.inc();
        if (maxTimestamp <= watermark) {
            // Closed but within the allowed lateness: the window re-fires now, as for the element itself.
            Held alone = new Held(i.group, start, fingerprintCapacity());
            add(i, alone);
            emit(alone);
            return;
        }
        HeldByGroup groups = groupsOf(start);
        Held h = groups.get(i.group);
        if (h == null) {
            h = new Held(i.group, start, fingerprintCapacity());
            groups.add(h);
            keys++;
        }
        add(i, h);
        if (keys > maxKeys) {
            emitAll();
        }
    }

    private void add(Interaction i, Held h) {
        adder.addAmounts(i, h);
        addUser(i, h);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        addPending();
        watermark = Math.max(watermark, mark.getTimestamp());
        // Windows whose max timestamp the watermark reached: start <= watermark - (size - 1).
        long lastClosedStart = watermark - (windowMillis - 1);
        if (lastClosedStart <= watermark) { // else it underflowed: no window can have closed yet
            Iterator<HeldByGroup> closed = open.headMap(lastClosedStart, true).values().iterator();
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
        addPending();
        if (status.isIdle()) {
            // Downstream stops waiting for an idle channel: its watermark may pass the open windows
            // held here, so they go first (not late: that watermark still counts this channel).
            emitAll();
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        addPending();
        emitAll(); // nothing is held across a barrier: the checkpoint needs no state here
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        addPending();
        emitAll();
    }

    @Override
    public void finish() throws Exception {
        addPending();
        emitAll();
        super.finish();
    }

    /** How many (group, window) sums are held now, the held-back interactions added. */
    int heldKeys() {
        addPending();
        return keys;
    }

    /** The sums of the window starting at {@code start}, the window of the record before ({@link #rangeStart}). */
    private HeldByGroup groupsOf(long start) {
        if (lastGroups == null) {
            lastGroups = open.computeIfAbsent(start, s -> new HeldByGroup());
        }
        return lastGroups;
    }

    private long cleanupTime(long maxTimestamp) {
        long t = maxTimestamp + allowedLatenessMillis;
        return t >= maxTimestamp ? t : Long.MAX_VALUE; // overflow: never cleaned up
    }

    private void emitAll() {
        for (HeldByGroup groups : open.values()) {
            emitWindow(groups);
        }
        open.clear();
        lastGroups = null;
        keys = 0;
    }

    private void emitWindow(HeldByGroup groups) {
        for (int k = 0; k < groups.size(); k++) {
            emit(groups.at(k));
        }
        keys -= groups.size();
        lastSent = groups;
    }

    /**
     * A recent partial of the held one's group, or null: the group's partial of the window before
     * while that is still open, else its partial in the window sent last (after a checkpoint barrier,
     * this window's own). Looked up once per partial.
     */
    final Held recentOf(Held h) {
        if (!h.recentLooked) {
            h.recentLooked = true;
            HeldByGroup before = open.get(h.windowStart - windowMillis);
            Held r = before == null ? null : before.get(h.group);
            if (r == null && lastSent != null) {
                r = lastSent.get(h.group);
            }
            h.recent = r == h ? null : r;
        }
        return h.recent;
    }

    private void emit(Held h) {
        emitted.inc();
        PartialDemand p = h.toPartial(adder);
        output.collect(new StreamRecord<>(p, p.windowStart + windowMillis - 1));
    }
}
