package dev.prescale.job.pipeline;

import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.backend;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.interleaved;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.run;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.bench.RingGroupHistory;
import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryChunk;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunked history's state: POJO serializers, TTL, snapshot and restore, layout changes on restore. */
class GroupHistoryStateTest {

    private static final long W = HistorySequences.W;
    private static final long DAY = 86_400_000L;

    private static KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> harness(
            GroupHistoryFunction f, String backend) throws Exception {
        return GroupHistoryEquivalenceTest.harness(f, backend(backend));
    }

    /** Makes {@code key} the current key, so that the function's state calls address its state. */
    private static void select(KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> h, String key) {
        ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).setCurrentKey(key);
    }

    private static GroupWindow window(long number, double cpu, double written) {
        GroupWindow w = HistorySequences.window("g", number, new Random(number), false);
        w.cpuCores = cpu;
        w.bytesWritten = written;
        return w;
    }

    private static long n(int k) {
        return HistorySequences.BASE + k;
    }

    @Test
    void stateTypesArePojoTypes() {
        for (Class<?> c : new Class<?>[] {HistoryHead.class, HistoryChunk.class}) {
            TypeInformation<?> t = TypeInformation.of(c);
            assertThat(t).as(c.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) t;
            for (int i = 0; i < pojo.getArity(); i++) {
                assertThat(pojo.getTypeAt(i)).as(pojo.getPojoFieldAt(i).getField().getName())
                        .isNotInstanceOf(GenericTypeInfo.class);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void theOperatorsStateSerializersAreNotKryo(String backend) throws Exception {
        GroupHistoryFunction f = new GroupHistoryFunction(10, W, 3, DAY, true, 4);
        try (var h = harness(f, backend)) {
            // With generic types disabled, any Kryo serializer would fail the operator's open.
            ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
            h.open();
            for (int k = 1; k <= 12; k++) {
                h.processElement(window(n(k), k, 5), n(k) * W - 1);
            }
            h.snapshot(1, 1);
            assertThat(f.headDescriptor().getSerializer()).isInstanceOf(PojoSerializer.class);
            assertThat(f.chunksDescriptor().getKeySerializer()).isInstanceOf(LongSerializer.class);
            assertThat(f.chunksDescriptor().getValueSerializer()).isInstanceOf(PojoSerializer.class);
            assertThat(tasks(h.getOutput())).hasSize(12);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void ttlStartsAQuietGroupAfreshAndClearsItsChunks(String backend) throws Exception {
        int capacity = 5;
        int chunk = 2;
        long ttl = 10_000;
        long chunkTtl = ttl + (capacity + chunk) * W;
        TtlTime time = new TtlTime();
        GroupHistoryFunction f = new GroupHistoryFunction(capacity, W, 3, ttl, false, chunk).ttlClock(time);
        try (var h = harness(f, backend)) {
            time.set(h, 0);
            h.open();
            for (int k = 1; k <= 6; k++) {
                h.processElement(window(n(k), k, 10), n(k) * W - 1);
            }
            select(h, "g");
            // Windows 1..6 in chunks of 2: three chunks, the open one (windows 5, 6) in the head.
            assertThat(f.storedChunks()).isEqualTo(2);
            // Quiet for longer than the TTL: the head is gone, the group starts afresh and the
            // chunks of its old life are cleared at once (not left until their own TTL).
            time.set(h, ttl + 1);
            h.processElement(window(n(7), 7, 4), n(7) * W - 1);
            List<ForecastTask> t = tasks(h.getOutput());
            ForecastTask last = t.get(t.size() - 1);
            assertThat(last.historySteps).isEqualTo(1);
            assertThat(last.history[ResourceType.CPU.ordinal()]).containsExactly(7.0);
            assertThat(last.observed[ResourceType.STORAGE.ordinal()]).isEqualTo(4.0);
            select(h, "g");
            // The old chunks are gone; the new life's only chunk is in the head.
            assertThat(f.storedChunks()).isZero();
            for (int k = 8; k <= 10; k++) {
                h.processElement(window(n(k), k, 4), n(k) * W - 1);
            }
            select(h, "g");
            assertThat(f.storedChunks()).isPositive();
            // A group that never comes back: its chunks expire too.
            time.set(h, ttl + 1 + chunkTtl + 1);
            select(h, "g");
            assertThat(f.storedChunks()).isZero();
        }
    }

    @Test
    void chunksOutliveTheHeadTtlWhileTheGroupIsAlive() throws Exception {
        // Processing time runs with event time: chunks written a TTL ago are still in the context.
        long ttl = 3 * W;
        TtlTime time = new TtlTime();
        GroupHistoryFunction f = new GroupHistoryFunction(10, W, 3, ttl, false, 2).ttlClock(time);
        try (var h = harness(f, "heap")) {
            h.open();
            for (int k = 1; k <= 30; k++) {
                time.set(h, k * W);
                h.processElement(window(n(k), k, 1), n(k) * W - 1);
            }
            List<ForecastTask> t = tasks(h.getOutput());
            ForecastTask last = t.get(t.size() - 1);
            assertThat(last.historySteps).isEqualTo(10);
            assertThat(last.history[ResourceType.CPU.ordinal()])
                    .containsExactly(21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void snapshotAndRestoreKeepTheHistory(String backend) throws Exception {
        List<GroupWindow> input = interleaved(40, 3, 200);
        List<ForecastTask> uninterrupted = run(new GroupHistoryFunction(40, W, 5, DAY, true, 6), backend(backend), input);
        assertRestoredMatches(input, uninterrupted, new GroupHistoryFunction(40, W, 5, DAY, true, 6),
                new GroupHistoryFunction(40, W, 5, DAY, true, 6), backend);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64})
    void aChangedChunkLengthIsRewrittenOnRestore(int newChunk) throws Exception {
        List<GroupWindow> input = interleaved(40, 3, 200);
        List<ForecastTask> uninterrupted = run(new GroupHistoryFunction(40, W, 5, DAY, true, 6), backend("rocksdb"), input);
        assertRestoredMatches(input, uninterrupted, new GroupHistoryFunction(40, W, 5, DAY, true, 6),
                new GroupHistoryFunction(40, W, 5, DAY, true, newChunk), "rocksdb");
    }

    private static void assertRestoredMatches(List<GroupWindow> input, List<ForecastTask> uninterrupted,
            GroupHistoryFunction before, GroupHistoryFunction after, String backend) throws Exception {
        int split = input.size() / 2;
        OperatorSubtaskState snapshot;
        int emittedBefore;
        try (var h = harness(before, backend)) {
            h.open();
            for (GroupWindow w : input.subList(0, split)) {
                h.processElement(w, w.windowEnd - 1);
            }
            emittedBefore = tasks(h.getOutput()).size();
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(after, backend)) {
            h.initializeState(snapshot);
            h.open();
            for (GroupWindow w : input.subList(split, input.size())) {
                h.processElement(w, w.windowEnd - 1);
            }
            List<ForecastTask> restored = tasks(h.getOutput());
            List<ForecastTask> expected = uninterrupted.subList(emittedBefore, uninterrupted.size());
            assertThat(restored).hasSameSizeAs(expected).isNotEmpty();
            for (int i = 0; i < restored.size(); i++) {
                assertThat(restored.get(i).windowEnd).isEqualTo(expected.get(i).windowEnd);
                assertThat(restored.get(i).historySteps).isEqualTo(expected.get(i).historySteps);
                for (int r = 0; r < 4; r++) {
                    assertThat(restored.get(i).history[r]).containsExactly(expected.get(i).history[r]);
                    assertThat(restored.get(i).covariates[r]).containsExactly(expected.get(i).covariates[r]);
                }
            }
        }
    }

    @Test
    void covariatesNeededAfterARestoreAreUnknownBeforeIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new GroupHistoryFunction(10, W, 3, DAY, false, 4), "rocksdb")) {
            h.open();
            for (int k = 1; k <= 3; k++) {
                h.processElement(window(n(k), k, 1), n(k) * W - 1);
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(new GroupHistoryFunction(10, W, 3, DAY, true, 4), "rocksdb")) {
            h.initializeState(snapshot);
            h.open();
            GroupWindow w = window(n(5), 5, 1);
            w.apiCalls = 11;
            h.processElement(w, n(5) * W - 1);
            ForecastTask t = tasks(h.getOutput()).get(0);
            assertThat(t.history[ResourceType.CPU.ordinal()]).containsExactly(1.0, 2.0, 3.0, 0.0, 5.0);
            // Windows 1-3 were seen without covariates (unknown), window 4 had no traffic, 5 has them.
            assertThat(t.covariates[0]).containsExactly(Double.NaN, Double.NaN, Double.NaN, 0.0, 11.0);
        }
    }

    @Test
    void aChangedWindowLengthStartsAfreshButKeepsTheStorageLevel() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(new GroupHistoryFunction(10, W, 3, DAY, false, 4), "heap")) {
            h.open();
            for (int k = 1; k <= 3; k++) {
                h.processElement(window(n(k), k, 100), n(k) * W - 1);
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(new GroupHistoryFunction(10, 2 * W, 3, DAY, false, 4), "heap")) {
            h.initializeState(snapshot);
            h.open();
            long end = (n(10) / 2) * 2 * W;
            GroupWindow w = window(end / W, 9, 50);
            w.windowEnd = end;
            h.processElement(w, end - 1);
            ForecastTask t = tasks(h.getOutput()).get(0);
            assertThat(t.historySteps).isEqualTo(1);
            assertThat(t.history[ResourceType.CPU.ordinal()]).containsExactly(9.0);
            assertThat(t.observed[ResourceType.STORAGE.ordinal()]).isEqualTo(350.0);
        }
    }

    @Test
    void aWindowOlderThanTheContextOnlyCountsItsBytesWritten() throws Exception {
        ChunkedHistory chunked = new ChunkedHistory(4, W, 2, false);
        RecordingChunkStore store = new RecordingChunkStore();
        RingGroupHistory ring = new RingGroupHistory(4, W);
        HistoryHead head = null;
        for (int k = 1; k <= 20; k++) {
            GroupWindow w = window(n(k), k, 10);
            head = chunked.put(head, w, store);
            ring.put(w);
        }
        int puts = store.puts;
        GroupWindow late = window(n(10), 99, 7);
        late.update = true;
        head = chunked.put(head, late, store);
        ring.put(late);
        assertThat(store.puts).isEqualTo(puts);
        assertThat(head.storageTotal).isEqualTo(207.0).isEqualTo(ring.storageTotal);
        double[][] resources = new double[4][4];
        chunked.fill(head, n(20) * W, 4, store, resources, null);
        assertThat(resources[ResourceType.CPU.ordinal()]).containsExactly(17.0, 18.0, 19.0, 20.0);
        assertThat(resources[ResourceType.STORAGE.ordinal()]).containsExactly(170.0, 180.0, 190.0, 200.0);
    }
}
