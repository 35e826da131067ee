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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * Writes a savepoint whose group-history state already holds a full context of one-minute windows
 * for every benchmark group, so that the whole-job benchmark starts
 * from steady state: every window then reads a full history, forecasts from it and evicts a chunk,
 * as a job that has run for days does. The history is synthetic (a daily cycle per group) and ends
 * with the window before the benchmark's first one; only the group-history operator gets state.
 */
public final class HistoryPrefill {

    /** The job's default maximum parallelism for parallelism up to 128; the benchmark pins it. */
    public static final int MAX_PARALLELISM = 128;

    private HistoryPrefill() {}

    /**
     * Writes the savepoint under {@code dir} for {@code groups} groups named {@code g0..g<groups-1>},
     * windows ending at {@code lastWindowEnd} and before, and returns its path. A small streaming job
     * on this Flink version: one record per group into a keyed function with the group-history
     * operator's uid and state descriptors, then stop-with-savepoint (canonical format) once every
     * group is written. (The State Processor API's writer is not released for this Flink patch
     * version; its 2.2.0 writer produced a savepoint whose metadata referenced no keyed state.)
     */
    public static String write(PrescaleConfig config, int groups, long lastWindowEnd, Path dir, boolean covariates)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        conf.set(PipelineOptions.MAX_PARALLELISM, MAX_PARALLELISM);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        WRITTEN.set(0);
        env.fromSource(new DataGeneratorSource<>(i -> i < groups ? "g" + i : "", Long.MAX_VALUE,
                                new FastThenIdle(groups), Types.STRING),
                        WatermarkStrategy.noWatermarks(), "groups")
                .uid("prefill-groups")
                .filter(g -> !g.isEmpty())
                .uid("prefill-filter")
                .keyBy(g -> g)
                .process(new FullHistory(config.contextWindows(), config.windowMillis(), config.historyTtlMillis(),
                        covariates, lastWindowEnd))
                .uid(GroupHistoryFunction.UID).name("group history (prefill)")
                .sinkTo(new DiscardingSink<>()).uid("prefill-discard");
        JobClient job = env.executeAsync("prescale-bench-history-prefill");
        while (WRITTEN.get() < groups) {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get();
                throw new IllegalStateException("prefill job ended after " + WRITTEN.get() + " of " + groups + " groups");
            }
            Thread.sleep(200);
        }
        return job.stopWithSavepoint(false, dir.resolve("savepoint").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(30, TimeUnit.MINUTES);
    }

    /** Groups written so far (the prefill runs on a MiniCluster in this JVM). */
    private static final AtomicLong WRITTEN = new AtomicLong();

    /** Lets the first {@code fast} records through at once, then one record a second (the source stays alive). */
    static final class FastThenIdle implements RateLimiterStrategy<NumberSequenceSplit> {
        private static final long serialVersionUID = 1L;
        private final long fast;

        FastThenIdle(long fast) {
            this.fast = fast;
        }

        @Override
        public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
            long[] seen = {0};
            return permits -> seen[0]++ < fast ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        }
    }

    /** Fills one group's history in memory, then stores its head and chunks in the operator's state. */
    static final class FullHistory extends KeyedProcessFunction<String, String, Boolean> {
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
        public void processElement(String group, Context ctx, Collector<Boolean> out) throws Exception {
            MemoryChunks memory = new MemoryChunks();
            int g = Integer.parseInt(group.substring(1));
            HistoryHead h = null;
            for (int i = capacity - 1; i >= 0; i--) {
                h = layout.put(h, window(group, g, lastWindowEnd - i * windowMillis), memory);
            }
            head.update(h);
            chunks.putAll(memory.chunks);
            WRITTEN.incrementAndGet();
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
