package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.history.ChunkStore;
import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryChunk;
import dev.prescale.job.pipeline.history.HistoryHead;
import dev.prescale.job.pipeline.history.HistoryHeapCache;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummaryPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each group's recent windows as an append-only {@link ChunkedHistory} (a small head value
 * plus a map of chunks, keyed state with TTL so groups that went away are cleaned up) and asks for
 * a forecast after every new window; updates of past windows only correct the history. A window
 * writes the head and one chunk; the forecast reads only the chunks of the known history.
 *
 * <p>With a {@link SummaryPlan} (a forecaster that can answer from per-series summaries), from the
 * plan's minimum history on: the first window of each summary key (period) reads the full history,
 * summarizes each resource into the head and ships both; the other windows of the period read only
 * the chunks of the plan's lag ranges and ship only those values (the sparse form of
 * {@link ForecastTask#lagRanges}) with the head's summaries and the running maximum of each
 * resource. A replaced or late window drops the summaries (they may be stale) and is forecast from
 * its full history, as without a plan.
 */
public class GroupHistoryFunction extends KeyedProcessFunction<String, GroupWindow, ForecastTask> {
    private static final long serialVersionUID = 1L;

    /** Windows per chunk: a window rewrites about 1.7 KB (2.6 KB with covariates); 2 days are 49 chunks. */
    public static final int DEFAULT_CHUNK_WINDOWS = 60;
    /** The operator's uid in the job graph (its state in checkpoints and savepoints is found by it). */
    public static final String UID = "group-history";
    /** Heap each subtask's cache of heads and lagged chunks may take (about 3 KB per group at the defaults). */
    public static final long DEFAULT_CACHE_BYTES = 128L << 20;

    private static final String[] NO_NAMES = new String[0];
    private static final double[][] NO_SERIES = new double[0][];

    private final int capacity;
    private final long windowMillis;
    private final int horizon;
    private final long ttlMillis;
    private final boolean covariates;
    private final int chunkWindows;
    private final SummaryPlan plan;
    private final int planId;
    private long cacheBytes = DEFAULT_CACHE_BYTES;
    private HistoryHeapCache.TtlClock ttlClock = HistoryHeapCache.TtlClock.system();
    private transient HistoryHeapCache cache;
    private transient ChunkedHistory history;
    private transient ValueState<HistoryHead> head;
    private transient MapState<Long, HistoryChunk> chunks;
    private transient MapStateChunks store;
    private transient ValueStateDescriptor<HistoryHead> headDescriptor;
    private transient MapStateDescriptor<Long, HistoryChunk> chunksDescriptor;
    private transient long chunkReads;

    /** With covariates stored and shipped (for a forecaster that reads them). */
    public GroupHistoryFunction(int capacity, long windowMillis, int horizon, long ttlMillis) {
        this(capacity, windowMillis, horizon, ttlMillis, true);
    }

    /** @param covariates whether the forecaster reads covariates: only then are they stored and shipped */
    public GroupHistoryFunction(int capacity, long windowMillis, int horizon, long ttlMillis, boolean covariates) {
        this(capacity, windowMillis, horizon, ttlMillis, covariates, DEFAULT_CHUNK_WINDOWS);
    }

    public GroupHistoryFunction(int capacity, long windowMillis, int horizon, long ttlMillis, boolean covariates,
            int chunkWindows) {
        this(capacity, windowMillis, horizon, ttlMillis, covariates, chunkWindows, null);
    }

    /** @param plan the forecaster's summary plan for this step and horizon, or null: always the full history */
    public GroupHistoryFunction(int capacity, long windowMillis, int horizon, long ttlMillis, boolean covariates,
            int chunkWindows, SummaryPlan plan) {
        // Fails at job build time, not on the TaskManager.
        new ChunkedHistory(capacity, windowMillis, chunkWindows, covariates);
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.horizon = horizon;
        this.ttlMillis = ttlMillis;
        this.covariates = covariates;
        this.chunkWindows = chunkWindows;
        this.plan = plan;
        this.planId = plan == null ? 0 : plan.toString().hashCode();
    }

    /**
     * Sets the heap each subtask's cache of heads and lagged chunks may take ({@link HistoryHeapCache},
     * estimated; 0: none, every window reads its history from state).
     */
    public GroupHistoryFunction cacheBytes(long bytes) {
        // Fails at job build time, not on the TaskManager.
        new HistoryHeapCache(bytes, ttlMillis, windowMillis, ttlClock);
        this.cacheBytes = bytes;
        return this;
    }

    /** Sets the clock of the state TTL, which the cache must follow (tests that move the TTL time). */
    public GroupHistoryFunction ttlClock(HistoryHeapCache.TtlClock clock) {
        this.ttlClock = clock;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        history = new ChunkedHistory(capacity, windowMillis, chunkWindows, covariates);
        headDescriptor = headStateDescriptor(ttlMillis);
        head = getRuntimeContext().getState(headDescriptor);
        chunksDescriptor = chunksStateDescriptor(capacity, windowMillis, chunkWindows, ttlMillis);
        chunks = getRuntimeContext().getMapState(chunksDescriptor);
        cache = new HistoryHeapCache(cacheBytes, ttlMillis, windowMillis, ttlClock);
        store = new MapStateChunks(chunks, cache, this);
        // Whether the cache has room for the subtask's groups: hits against the state reads left.
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("historyCachedGroups", (Gauge<Integer>) cache::size);
        metrics.gauge("historyCacheBytes", (Gauge<Long>) cache::bytes);
        metrics.gauge("historyCacheHeadHits", (Gauge<Long>) cache::headHits);
        metrics.gauge("historyCacheChunkHits", (Gauge<Long>) cache::chunkHits);
        metrics.gauge("historyChunkReads", (Gauge<Long>) this::chunkReads);
    }

    /** The head's state: name, serializer and TTL (shared with the benchmark's savepoint prefill). */
    public static ValueStateDescriptor<HistoryHead> headStateDescriptor(long ttlMillis) {
        ValueStateDescriptor<HistoryHead> d = new ValueStateDescriptor<>("history-head", TypeInformation.of(HistoryHead.class));
        // TTL is in processing time (all Flink offers); a group quiet for the TTL starts afresh.
        d.enableTimeToLive(ttl(ttlMillis));
        return d;
    }

    /** The chunk map's state: name, serializers and TTL (shared with the benchmark's savepoint prefill). */
    public static MapStateDescriptor<Long, HistoryChunk> chunksStateDescriptor(int capacity, long windowMillis,
            int chunkWindows, long ttlMillis) {
        MapStateDescriptor<Long, HistoryChunk> d =
                new MapStateDescriptor<>("history-chunks", Types.LONG, TypeInformation.of(HistoryChunk.class));
        // A chunk is written while its windows arrive and read for a whole context afterwards: its
        // TTL must outlive the context, or a live group would lose its older windows. The head
        // decides whether the group is alive (a new head clears stale chunks); this TTL only
        // bounds the state of groups that never come back.
        long chunkSpanMillis = (long) (capacity + chunkWindows) * windowMillis;
        d.enableTimeToLive(ttl(ttlMillis + chunkSpanMillis));
        return d;
    }

    private static StateTtlConfig ttl(long millis) {
        return StateTtlConfig.newBuilder(Duration.ofMillis(millis))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .neverReturnExpired()
                .build();
    }

    @Override
    public void processElement(GroupWindow w, Context ctx, Collector<ForecastTask> out) throws Exception {
        store.forget();
        HistoryHead before = cache.head(w.group, w.windowEnd);
        if (before == null) {
            before = head.value();
        }
        long previousLast = before == null ? 0 : before.lastWindowEnd;
        HistoryHead h = history.put(before, w, store);
        boolean newest = w.windowEnd > previousLast;
        if (!newest) {
            // A replaced or late window may change values a summary was made from.
            dropSummaries(h);
        }
        // Windows behind the newest one: with k-anonymity at parallelism > 1 a group's windows come
        // from several subtasks and may arrive out of order; skipping them lost those windows'
        // decisions (seen at parallelism 2 in SavepointUpgradeITCase). Such a first emission is
        // forecast from the history up to its own end (causal), as long as it is still inside the
        // newest window's context (older ones are not stored: no steps).
        int steps = history.historySteps(h, w.windowEnd);
        if (w.update || steps == 0) {
            writeHead(h);
            return; // a correction of the past: the forecast from that point has already been made
        }
        ForecastTask t = new ForecastTask();
        t.group = w.group;
        t.windowEnd = w.windowEnd;
        t.stepMillis = windowMillis;
        t.horizon = horizon;
        t.historySteps = steps;
        // Only the known windows: NaN padding before the group's first window would make a
        // forecaster take a young group for one with a full (but missing) season of history.
        int known = steps;
        int resources = ResourceType.values().length;
        int covariateCount = covariates ? ChunkedHistory.COVARIATES.length : 0;
        t.covariateNames = covariates ? ChunkedHistory.COVARIATES.clone() : NO_NAMES;
        boolean summarized = plan != null && newest && steps >= plan.minHistorySteps();
        // Any series id of the group: the plan gives a group's series one grid of periods.
        String series = w.group + "/" + ResourceType.values()[0].jsonName();
        long key = summarized ? plan.summaryKey(series, w.windowEnd, steps) : 0;
        if (summarized && h.summaries != null && h.maxAbs != null && h.summaryKey == key && h.summaryPlan == planId) {
            // The period's summaries are in the head: only the windows the forecast reads, in the
            // sparse form (a few values per series instead of the whole context). The window just
            // closed has values (0 without traffic), so the plan's smaller ranges for a known last
            // value do; should one be missing after all, the full ranges.
            int[] lags = sparseLags(h, w.windowEnd, known, plan.lagRangesWithLastKnown(series, w.windowEnd), t);
            int last = LagRanges.indexOfLastValue(lags);
            if (last >= 0 && !finiteAt(t.history, last)) {
                lags = sparseLags(h, w.windowEnd, known, plan.lagRanges(series, w.windowEnd), t);
            }
            int length = LagRanges.length(lags);
            t.covariates = covariateCount == 0 ? NO_SERIES : new double[covariateCount][length];
            for (double[] c : t.covariates) {
                Arrays.fill(c, Double.NaN); // not read: unknown, as the history outside the lag ranges
            }
            t.observed = observed(h, w.windowEnd, known, lags, t.history);
            for (int r = 0; r < resources; r++) {
                if (Double.isFinite(t.observed[r])) {
                    h.maxAbs[r] = Math.max(h.maxAbs[r], Math.abs(t.observed[r]));
                }
            }
        } else {
            t.history = new double[resources][known];
            t.covariates = covariateCount == 0 ? NO_SERIES : new double[covariateCount][known];
            history.fill(h, w.windowEnd, known, store, t.history, covariates ? t.covariates : null);
            t.observed = new double[resources];
            for (int r = 0; r < resources; r++) {
                t.observed[r] = t.history[r][known - 1];
            }
            if (summarized) {
                summarize(h, t, key);
            }
        }
        if (summarized && h.summaries != null) {
            t.summaries = h.summaries;
            t.maxAbs = h.maxAbs.clone();
        }
        writeHead(h);
        out.collect(t);
    }

    private void writeHead(HistoryHead h) throws Exception {
        // The TTL time before the write: the state's own stamp is not older, so the cache never
        // serves a head the state has expired.
        long at = cache.now();
        head.update(h);
        cache.headWritten(h, at);
    }

    /** Makes the summaries of every resource from the task's full history and keeps them in the head. */
    private void summarize(HistoryHead h, ForecastTask t, long key) {
        ResourceType[] types = ResourceType.values();
        double[][] each = new double[types.length][];
        double[] max = new double[types.length];
        for (ResourceType type : types) {
            int r = type.ordinal();
            each[r] = plan.summarize(new ForecastRequest(t.group + "/" + type.jsonName(), t.windowEnd, t.stepMillis,
                    t.history[r], t.horizon, null));
            if (each[r] == null || each[r].length != each[0].length) {
                dropSummaries(h); // not of one length each: nothing to keep, forecast from full histories
                return;
            }
            for (double v : t.history[r]) {
                if (Double.isFinite(v)) {
                    max[r] = Math.max(max[r], Math.abs(v));
                }
            }
        }
        int length = each[0].length;
        double[] flat = new double[length * types.length];
        for (int r = 0; r < types.length; r++) {
            System.arraycopy(each[r], 0, flat, r * length, length);
        }
        h.summaries = flat;
        h.summaryKey = key;
        h.summaryPlan = planId;
        h.maxAbs = max;
    }

    /** Fills the task's sparse history for the given lag ranges (clipped to the known windows); returns the clipped ranges. */
    private int[] sparseLags(HistoryHead h, long windowEnd, int known, int[] ranges, ForecastTask t) throws Exception {
        int[] lags = LagRanges.clip(ranges, known);
        t.lagRanges = lags;
        t.history = new double[ResourceType.values().length][LagRanges.length(lags)];
        history.fillLagsSparse(h, windowEnd, known, lags, store, t.history);
        return lags;
    }

    private static boolean finiteAt(double[][] history, int at) {
        for (double[] series : history) {
            if (!Double.isFinite(series[at])) {
                return false;
            }
        }
        return true;
    }

    /** The values of the window just closed: from the sparse history when its lags include 1, else read. */
    private double[] observed(HistoryHead h, long windowEnd, int known, int[] lags, double[][] sparse) throws Exception {
        int at = LagRanges.indexOfLastValue(lags);
        double[][] from = sparse;
        if (at < 0) {
            from = new double[sparse.length][1];
            history.fillLagsSparse(h, windowEnd, known, new int[] {1, 1}, store, from);
            at = 0;
        }
        double[] observed = new double[from.length];
        for (int r = 0; r < from.length; r++) {
            observed[r] = from[r][at];
        }
        return observed;
    }

    private static void dropSummaries(HistoryHead h) {
        h.summaries = null;
        h.maxAbs = null;
    }

    /** Chunks read from state since open (point lookups and entries of scans): tests and the benchmark. */
    public long chunkReads() {
        return chunkReads;
    }

    /** The head and chunks in state for the current key, as the backend returns them (tests). */
    public List<Object> stored() throws Exception {
        List<Object> l = new ArrayList<>();
        l.add(head.value());
        for (HistoryChunk c : chunks.values()) {
            l.add(c);
        }
        return l;
    }

    /** The heap cache of heads and chunks, after open (tests and the benchmark read its hits). */
    public HistoryHeapCache cache() {
        return cache;
    }

    /** Chunks in the map for the current key, not the open one in the head (tests and the benchmark check that state stays bounded). */
    public int storedChunks() throws Exception {
        int n = 0;
        for (Long ignored : chunks.keys()) {
            n++;
        }
        return n;
    }

    /** The head's state descriptor, after open (tests check its serializer). */
    public ValueStateDescriptor<HistoryHead> headDescriptor() {
        return headDescriptor;
    }

    /** The chunk map's state descriptor, after open (tests check its serializers). */
    public MapStateDescriptor<Long, HistoryChunk> chunksDescriptor() {
        return chunksDescriptor;
    }

    /**
     * The chunks of the current key in Flink map state, through the heap cache of the group's
     * chunks. The last chunk read or written during one element is kept too (until {@link #forget}),
     * also for groups the cache has no room for: the forecast then reads the chunk the new window
     * was just written to without a second state lookup (in RocksDB a read and a deserialization).
     */
    private static final class MapStateChunks implements ChunkStore {
        private final MapState<Long, HistoryChunk> state;
        private final HistoryHeapCache cache;
        private final GroupHistoryFunction counts;
        private long lastIndex;
        private HistoryChunk last;

        /** Drops the kept chunk: called before each element (the key may change). */
        void forget() {
            last = null;
        }

        MapStateChunks(MapState<Long, HistoryChunk> state, HistoryHeapCache cache, GroupHistoryFunction counts) {
            this.state = state;
            this.cache = cache;
            this.counts = counts;
        }

        @Override
        public HistoryChunk get(long index) throws Exception {
            if (last != null && lastIndex == index) {
                return last;
            }
            HistoryChunk chunk = cache.chunk(index);
            if (chunk == null) {
                counts.chunkReads++;
                chunk = state.get(index);
                if (chunk != null) {
                    cache.chunkRead(index, chunk);
                }
            }
            if (chunk != null) {
                lastIndex = index;
                last = chunk;
            }
            return chunk;
        }

        @Override
        public void put(long index, HistoryChunk chunk) throws Exception {
            state.put(index, chunk);
            cache.chunkWritten(index, chunk);
            lastIndex = index;
            last = chunk;
        }

        @Override
        public void remove(long index) throws Exception {
            if (lastIndex == index) {
                last = null;
            }
            cache.chunkRemoved(index);
            state.remove(index);
        }

        @Override
        public void clear() {
            last = null;
            cache.chunksCleared();
            state.clear();
        }

        @Override
        public Iterable<Map.Entry<Long, HistoryChunk>> entries() throws Exception {
            Iterable<Map.Entry<Long, HistoryChunk>> entries = state.entries();
            return () -> {
                Iterator<Map.Entry<Long, HistoryChunk>> it = entries.iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Map.Entry<Long, HistoryChunk> next() {
                        counts.chunkReads++;
                        return it.next();
                    }
                };
            };
        }
    }
}
