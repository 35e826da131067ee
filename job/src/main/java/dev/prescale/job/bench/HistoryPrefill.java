package dev.prescale.job.bench;

import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.pipeline.GroupHistoryFunction;
import dev.prescale.job.pipeline.GroupWindow;
import dev.prescale.job.pipeline.history.ChunkStore;
import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryChunk;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Writes a savepoint whose group-history state already holds a full context of one-minute windows
 * for every benchmark group (Flink's State Processor API), so that the whole-job benchmark starts
 * from steady state: every window then reads a full history, forecasts from it and evicts a chunk,
 * as a job that has run for days does. The history is synthetic (a daily cycle per group) and ends
 * with the window before the benchmark's first one; only the group-history operator gets state.
 */
public final class HistoryPrefill {

    /** The job's default maximum parallelism for parallelism up to 128; the benchmark pins it. */
    public static final int MAX_PARALLELISM = 128;

    private HistoryPrefill() {}

    /**
     * Writes the savepoint to {@code dir} for {@code groups} groups named {@code g0..g<groups-1>},
     * windows ending at {@code lastWindowEnd} and before, and returns its path.
     */
    public static String write(PrescaleConfig config, int groups, long lastWindowEnd, Path dir, boolean covariates)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        StateBootstrapTransformation<String> history = OperatorTransformation
                .bootstrapWith(env.fromSequence(0, groups - 1).map(i -> "g" + i).returns(Types.STRING))
                .keyBy(g -> g, Types.STRING)
                .transform(new FullHistory(config.contextWindows(), config.windowMillis(), config.historyTtlMillis(),
                        covariates, lastWindowEnd));
        String path = dir.toUri().toString();
        SavepointWriter.newSavepoint(env, new EmbeddedRocksDBStateBackend(true), MAX_PARALLELISM)
                .withOperator(OperatorIdentifier.forUid(GroupHistoryFunction.UID), history)
                .write(path);
        env.execute("prescale-bench-history-prefill");
        return path;
    }

    /** Fills one group's history in memory, then stores its head and chunks in the operator's state. */
    static final class FullHistory extends KeyedStateBootstrapFunction<String, String> {
        private static final long serialVersionUID = 1L;
        private final int capacity;
        private final long windowMillis;
        private final long ttlMillis;
        private final boolean covariates;
        private final long lastWindowEnd;
        private transient ChunkedHistory layout;
        private transient ValueState<HistoryHead> head;
        private transient MapState<Long, HistoryChunk> chunks;

        FullHistory(int capacity, long windowMillis, long ttlMillis, boolean covariates, long lastWindowEnd) {
            this.capacity = capacity;
            this.windowMillis = windowMillis;
            this.ttlMillis = ttlMillis;
            this.covariates = covariates;
            this.lastWindowEnd = lastWindowEnd;
        }

        @Override
        public void open(OpenContext openContext) {
            layout = new ChunkedHistory(capacity, windowMillis, GroupHistoryFunction.DEFAULT_CHUNK_WINDOWS, covariates);
            // The operator's own descriptors (names, serializers, TTL): anything else would not restore.
            head = getRuntimeContext().getState(GroupHistoryFunction.headStateDescriptor(ttlMillis));
            chunks = getRuntimeContext().getMapState(GroupHistoryFunction.chunksStateDescriptor(
                    capacity, windowMillis, GroupHistoryFunction.DEFAULT_CHUNK_WINDOWS, ttlMillis));
        }

        @Override
        public void processElement(String group, Context ctx) throws Exception {
            MemoryChunks memory = new MemoryChunks();
            int g = Integer.parseInt(group.substring(1));
            HistoryHead h = null;
            for (int i = capacity - 1; i >= 0; i--) {
                h = layout.put(h, window(group, g, lastWindowEnd - i * windowMillis), memory);
            }
            head.update(h);
            chunks.putAll(memory.chunks);
        }

        private GroupWindow window(String group, int g, long end) {
            // A daily cycle with a per-group level and phase: realistic enough for the forecaster's work.
            double phase = 2 * Math.PI * ((end % 86_400_000L) / 86_400_000.0 + (g % 24) / 24.0);
            double level = 0.5 + (g % 16) * 0.25;
            GroupWindow w = new GroupWindow();
            w.group = group;
            w.windowStart = end - windowMillis;
            w.windowEnd = end;
            w.cpuCores = level * (1 + 0.5 * Math.sin(phase));
            w.memoryMb = 512 * level * (1 + 0.3 * Math.sin(phase));
            w.networkBytesPerSecond = 20_000 * level * (1 + 0.4 * Math.sin(phase));
            w.bytesWritten = 4096;
            w.apiCalls = 10;
            w.dataAccesses = 5;
            w.uiEvents = 5;
            w.distinctUsers = 8;
            return w;
        }
    }

    /** A group's chunks while they are built. */
    private static final class MemoryChunks implements ChunkStore {
        final Map<Long, HistoryChunk> chunks = new HashMap<>();

        @Override
        public HistoryChunk get(long index) {
            return chunks.get(index);
        }

        @Override
        public void put(long index, HistoryChunk chunk) {
            chunks.put(index, chunk);
        }

        @Override
        public void remove(long index) {
            chunks.remove(index);
        }

        @Override
        public void clear() {
            chunks.clear();
        }

        @Override
        public Iterable<Map.Entry<Long, HistoryChunk>> entries() {
            return chunks.entrySet();
        }
    }
}
