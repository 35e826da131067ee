package dev.prescale.job.pipeline;

import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.backend;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.harness;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.interleaved;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The history operator emits the same tasks with its heap cache of heads and chunks as without
 * it, whatever the cache holds (room for every group, for a few and for fewer of their chunks, none), on random interleaved
 * sequences with gaps, late updates and TTL expiries, with and without a summary plan; the cache
 * spares state reads.
 */
class GroupHistoryCacheTest {

    private static final long W = HistorySequences.W;
    private static final long HOUR = 3_600_000L;
    private static final SummaryPlan PLAN = new SeasonalNaiveForecaster(2 * HOUR, 2, HOUR).summaryPlan(W, 15);

    /** What one run emitted and read. */
    private record Run(List<ForecastTask> tasks, long chunkReads, long headHits, long chunkHits, int cached) {}

    private static Run run(long cacheBytes, String backend, boolean plan, boolean covariates, List<GroupWindow> input)
            throws Exception {
        long ttl = HOUR;
        TtlTime time = new TtlTime();
        GroupHistoryFunction f = new GroupHistoryFunction(240, W, 15, ttl, covariates, 60, plan ? PLAN : null)
                .cacheBytes(cacheBytes).ttlClock(time);
        try (var h = harness(f, backend(backend))) {
            time.set(h, 0);
            h.open();
            long now = 0;
            for (int i = 0; i < input.size(); i++) {
                GroupWindow w = input.get(i);
                // Time passes with the elements; twice every group goes quiet for longer than the TTL.
                now += i == input.size() / 3 || i == 2 * input.size() / 3 ? ttl : 20;
                time.set(h, now);
                h.processElement(w, w.windowEnd - 1);
            }
            return new Run(tasks(h.getOutput()), f.chunkReads(), f.cache().headHits(), f.cache().chunkHits(),
                    f.cache().size());
        }
    }

    @ParameterizedTest
    @CsvSource({"rocksdb,true,false", "rocksdb,false,true", "heap,true,true"})
    void sameTasksWithAndWithoutTheCache(String backend, boolean plan, boolean covariates) throws Exception {
        List<GroupWindow> input = interleaved(240, 8, 700);
        Run none = run(0, backend, plan, covariates, input);
        // Room for a few of the eight groups (a head takes up to 2 KB here, a chunk 1.8-2.8 KB), and for all.
        Run few = run(8_000, backend, plan, covariates, input);
        Run all = run(10 << 20, backend, plan, covariates, input);
        assertThat(none.headHits()).isZero();
        assertThat(none.chunkHits()).isZero();
        assertThat(few.cached()).isBetween(1, 7);
        assertThat(all.cached()).isEqualTo(8);
        // Every group's windows after its first read its head from the cache, except after each expiry.
        assertThat(all.headHits()).isGreaterThan(8 * 600);
        assertThat(few.headHits()).isBetween(1L, all.headHits() - 1);
        assertThat(all.chunkHits()).isPositive();
        assertThat(all.chunkReads()).isLessThan(few.chunkReads());
        assertThat(few.chunkReads()).isLessThan(none.chunkReads());
        assertSame(few.tasks(), none.tasks());
        assertSame(all.tasks(), none.tasks());
    }

    @org.junit.jupiter.api.Test
    void theCacheSharesNoObjectWithTheHeapBackendsState() throws Exception {
        // The heap backend hands out its own objects, which an asynchronous snapshot may be reading
        // while the next window changes what the cache returned: the cache must keep copies.
        GroupHistoryFunction f = new GroupHistoryFunction(240, W, 15, HOUR, true, 60, PLAN);
        List<GroupWindow> input = interleaved(240, 4, 300);
        int compared = 0;
        try (var h = harness(f, backend("heap"))) {
            h.open();
            for (GroupWindow w : input) {
                h.processElement(w, w.windowEnd - 1);
                ((org.apache.flink.streaming.api.operators.KeyedProcessOperator<?, ?, ?>) h.getOperator())
                        .setCurrentKey(w.group);
                List<Object> cached = parts(f.cache().peek(w.group));
                List<Object> stored = parts(f.stored());
                for (Object c : cached) {
                    for (Object st : stored) {
                        assertThat(c).as("%s at %d", w.group, w.windowEnd).isNotSameAs(st);
                    }
                }
                compared += cached.isEmpty() ? 0 : 1;
            }
        }
        assertThat(compared).isEqualTo(input.size());
    }

    /** The objects a head or chunk list holds that a window may change in place: heads, chunks, arrays. */
    private static List<Object> parts(List<Object> l) {
        List<Object> out = new java.util.ArrayList<>();
        for (Object o : l) {
            if (o instanceof dev.prescale.job.pipeline.history.HistoryHead head) {
                out.add(head);
                out.add(head.maxAbs);
                if (head.open != null) {
                    out.add(head.open);
                    out.add(head.open.cpu);
                }
            } else if (o instanceof dev.prescale.job.pipeline.history.HistoryChunk c) {
                out.add(c);
                out.add(c.cpu);
            }
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    private static void assertSame(List<ForecastTask> actual, List<ForecastTask> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(expected.size()).isGreaterThan(4000);
        for (int i = 0; i < expected.size(); i++) {
            ForecastTask a = actual.get(i);
            ForecastTask e = expected.get(i);
            String at = "task " + i + " of " + e.group + " at " + e.windowEnd;
            assertThat(a.group).as(at).isEqualTo(e.group);
            assertThat(a.windowEnd).as(at).isEqualTo(e.windowEnd);
            assertThat(a.historySteps).as(at).isEqualTo(e.historySteps);
            // Arrays.equals: NaN equals NaN, bit for bit.
            assertThat(Arrays.equals(a.observed, e.observed)).as(at + " observed").isTrue();
            assertThat(Arrays.deepEquals(a.history, e.history)).as(at + " history").isTrue();
            assertThat(Arrays.deepEquals(a.covariates, e.covariates)).as(at + " covariates").isTrue();
            assertThat(a.lagRanges).as(at).isEqualTo(e.lagRanges);
            assertThat(Arrays.equals(a.summaries, e.summaries)).as(at + " summaries").isTrue();
            assertThat(Arrays.equals(a.maxAbs, e.maxAbs)).as(at + " maxAbs").isTrue();
        }
    }
}
