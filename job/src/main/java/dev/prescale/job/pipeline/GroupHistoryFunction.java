package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.history.ChunkStore;
import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryChunk;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps each group's recent windows as an append-only {@link ChunkedHistory} (a small head value
 * plus a map of chunks, keyed state with TTL so groups that went away are cleaned up) and asks for
 * a forecast after every new window; updates of past windows only correct the history. A window
 * writes the head and one chunk; the forecast reads only the chunks of the known history.
 */
public class GroupHistoryFunction extends KeyedProcessFunction<String, GroupWindow, ForecastTask> {
    private static final long serialVersionUID = 1L;

    /** Windows per chunk: a window rewrites about 1.7 KB (2.6 KB with covariates); 2 days are 49 chunks. */
    public static final int DEFAULT_CHUNK_WINDOWS = 60;
    /** The operator's uid in the job graph (its state in checkpoints and savepoints is found by it). */
    public static final String UID = "group-history";

    private static final String[] NO_NAMES = new String[0];
    private static final double[][] NO_SERIES = new double[0][];

    private final int capacity;
    private final long windowMillis;
    private final int horizon;
    private final long ttlMillis;
    private final boolean covariates;
    private final int chunkWindows;
    private transient ChunkedHistory history;
    private transient ValueState<HistoryHead> head;
    private transient MapState<Long, HistoryChunk> chunks;
    private transient ChunkStore store;
    private transient ValueStateDescriptor<HistoryHead> headDescriptor;
    private transient MapStateDescriptor<Long, HistoryChunk> chunksDescriptor;

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
        // Fails at job build time, not on the TaskManager.
        new ChunkedHistory(capacity, windowMillis, chunkWindows, covariates);
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.horizon = horizon;
        this.ttlMillis = ttlMillis;
        this.covariates = covariates;
        this.chunkWindows = chunkWindows;
    }

    @Override
    public void open(OpenContext openContext) {
        history = new ChunkedHistory(capacity, windowMillis, chunkWindows, covariates);
        headDescriptor = headStateDescriptor(ttlMillis);
        head = getRuntimeContext().getState(headDescriptor);
        chunksDescriptor = chunksStateDescriptor(capacity, windowMillis, chunkWindows, ttlMillis);
        chunks = getRuntimeContext().getMapState(chunksDescriptor);
        store = new MapStateChunks(chunks);
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
        HistoryHead h = history.put(head.value(), w, store);
        head.update(h);
        // Windows behind the newest one: with k-anonymity at parallelism > 1 a group's windows come
        // from several subtasks and may arrive out of order; skipping them lost those windows'
        // decisions (seen at parallelism 2 in SavepointUpgradeITCase). Such a first emission is
        // forecast from the history up to its own end (causal), as long as it is still inside the
        // newest window's context (older ones are not stored: no steps).
        int steps = history.historySteps(h, w.windowEnd);
        if (w.update || steps == 0) {
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
        t.history = new double[resources][known];
        if (covariates) {
            t.covariateNames = ChunkedHistory.COVARIATES.clone();
            t.covariates = new double[ChunkedHistory.COVARIATES.length][known];
        } else {
            t.covariateNames = NO_NAMES;
            t.covariates = NO_SERIES;
        }
        history.fill(h, w.windowEnd, known, store, t.history, covariates ? t.covariates : null);
        t.observed = new double[resources];
        for (int r = 0; r < resources; r++) {
            t.observed[r] = t.history[r][known - 1];
        }
        out.collect(t);
    }

    /** Chunks stored for the current key (tests and the benchmark check that state stays bounded). */
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

    /** The chunks of the current key in Flink map state. */
    private static final class MapStateChunks implements ChunkStore {
        private final MapState<Long, HistoryChunk> state;

        MapStateChunks(MapState<Long, HistoryChunk> state) {
            this.state = state;
        }

        @Override
        public HistoryChunk get(long index) throws Exception {
            return state.get(index);
        }

        @Override
        public void put(long index, HistoryChunk chunk) throws Exception {
            state.put(index, chunk);
        }

        @Override
        public void remove(long index) throws Exception {
            state.remove(index);
        }

        @Override
        public void clear() {
            state.clear();
        }

        @Override
        public Iterable<Map.Entry<Long, HistoryChunk>> entries() throws Exception {
            return state.entries();
        }
    }
}
