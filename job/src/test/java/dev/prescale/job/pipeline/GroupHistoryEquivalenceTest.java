package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.bench.RingGroupHistory;
import dev.prescale.job.bench.RingGroupHistoryFunction;
import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chunked history gives the forecaster what the single-value ring it replaces gave, on random
 * window sequences with gaps, re-firings and late updates: the ring ({@link RingGroupHistory}) is
 * the reference. Rates are stored as floats, so they are compared with the ring's value rounded to
 * float; the storage level, NaN and zeros exactly.
 */
class GroupHistoryEquivalenceTest {

    private static final int[] RING_SERIES = {RingGroupHistory.CPU, RingGroupHistory.MEMORY, RingGroupHistory.STORAGE,
        RingGroupHistory.NETWORK};
    private static final int[] RING_COVARIATES = {RingGroupHistory.API_CALLS, RingGroupHistory.DATA_ACCESSES,
        RingGroupHistory.UI_EVENTS, RingGroupHistory.USERS};

    @ParameterizedTest
    @CsvSource({"7,3", "10,4", "12,12", "5,64", "60,60", "130,7", "1,1", "2880,60"})
    void sameHistoryAsTheRingAndBoundedState(int capacity, int chunk) throws Exception {
        // The two-day context (2,880 windows) with fewer seeds and every 25th forecast compared:
        // the ring rebuilds 2,880-window series for each one.
        boolean large = capacity >= 1000;
        for (long seed = 1; seed <= (large ? 2 : 20); seed++) {
            ChunkedHistory chunked = new ChunkedHistory(capacity, HistorySequences.W, chunk, true);
            RecordingChunkStore store = new RecordingChunkStore();
            RingGroupHistory ring = new RingGroupHistory(capacity, HistorySequences.W);
            HistoryHead head = null;
            int compared = 0;
            int emitted = 0;
            for (GroupWindow w : HistorySequences.random("g", seed, large ? 3500 : 400, capacity)) {
                head = chunked.put(head, w, store);
                ring.put(w);
                assertThat(head.storageTotal).isEqualTo(ring.storageTotal);
                assertThat(head.lastWindowEnd).isEqualTo(ring.lastWindowEnd);
                assertThat(head.firstWindowEnd).isEqualTo(ring.firstWindowEnd);
                // State stays bounded: the chunks of one context and the one it is entering.
                assertThat(store.chunks.size()).isLessThanOrEqualTo((capacity - 1) / chunk + 2);
                if (w.update || w.windowEnd < head.lastWindowEnd || (large && emitted++ % 25 != 0)) {
                    continue;
                }
                int steps = chunked.historySteps(head, w.windowEnd);
                assertThat(steps).isEqualTo(ring.historySteps(w.windowEnd));
                int known = Math.max(1, steps);
                double[][] resources = new double[4][known];
                double[][] covariates = new double[4][known];
                chunked.fill(head, w.windowEnd, known, store, resources, covariates);
                for (int r = 0; r < 4; r++) {
                    double[] expected = tail(ring.series(RING_SERIES[r], w.windowEnd), known);
                    same(resources[r], r == ResourceType.STORAGE.ordinal() ? expected : asFloats(expected),
                            "seed " + seed + " resource " + r + " at " + w.windowEnd);
                    same(covariates[r], asFloats(tail(ring.series(RING_COVARIATES[r], w.windowEnd), known)),
                            "seed " + seed + " covariate " + r + " at " + w.windowEnd);
                }
                compared++;
            }
            assertThat(compared).isGreaterThan(large ? 20 : 10);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void theOperatorEmitsWhatTheRingOperatorEmitted(String backend) throws Exception {
        int capacity = 50;
        List<GroupWindow> input = interleaved(capacity, 3, 300);
        List<ForecastTask> expected = run(new RingGroupHistoryFunction(capacity, HistorySequences.W, 5, 86_400_000L),
                new HashMapStateBackend(), input);
        List<ForecastTask> all = run(new GroupHistoryFunction(capacity, HistorySequences.W, 5, 86_400_000L, true, 8),
                backend(backend), input);
        // The job also forecasts first emissions that arrive out of order (the ring operator skipped
        // them; GroupHistoryFunctionTest covers them): compare the in-order ones.
        List<ForecastTask> actual = new java.util.ArrayList<>();
        java.util.Map<String, Long> last = new java.util.HashMap<>();
        int next = 0;
        for (GroupWindow w : input) {
            long newest = Math.max(last.getOrDefault(w.group, Long.MIN_VALUE), w.windowEnd);
            last.put(w.group, newest);
            if (!w.update) {
                ForecastTask t = all.get(next++);
                assertThat(t.windowEnd).isEqualTo(w.windowEnd);
                if (w.windowEnd >= newest) {
                    actual.add(t);
                }
            }
        }
        assertThat(next).isEqualTo(all.size());
        assertThat(actual).hasSize(expected.size());
        assertThat(actual.size()).isGreaterThan(500);
        for (int i = 0; i < actual.size(); i++) {
            ForecastTask a = actual.get(i);
            ForecastTask e = expected.get(i);
            assertThat(a.group).isEqualTo(e.group);
            assertThat(a.windowEnd).isEqualTo(e.windowEnd);
            assertThat(a.historySteps).isEqualTo(e.historySteps);
            assertThat(a.horizon).isEqualTo(e.horizon);
            assertThat(a.stepMillis).isEqualTo(e.stepMillis);
            assertThat(a.covariateNames).containsExactly(e.covariateNames);
            for (int r = 0; r < 4; r++) {
                boolean storage = r == ResourceType.STORAGE.ordinal();
                assertThat(a.history[r]).containsExactly(storage ? e.history[r] : asFloats(e.history[r]));
                assertThat(a.observed[r]).isEqualTo(storage ? e.observed[r] : (double) (float) e.observed[r]);
                assertThat(a.covariates[r]).containsExactly(asFloats(e.covariates[r]));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void withoutCovariatesTheSameResourcesAndNoCovariates(String backend) throws Exception {
        List<GroupWindow> input = interleaved(30, 2, 200);
        List<ForecastTask> with = run(new GroupHistoryFunction(30, HistorySequences.W, 5, 86_400_000L, true, 7),
                backend(backend), input);
        List<ForecastTask> without = run(new GroupHistoryFunction(30, HistorySequences.W, 5, 86_400_000L, false, 7),
                backend(backend), input);
        assertThat(without).hasSameSizeAs(with);
        for (int i = 0; i < with.size(); i++) {
            assertThat(without.get(i).covariateNames).isEmpty();
            assertThat(without.get(i).covariates).isEmpty();
            for (int r = 0; r < 4; r++) {
                assertThat(without.get(i).history[r]).containsExactly(with.get(i).history[r]);
            }
        }
    }

    /** Several groups' random sequences, interleaved as one keyed stream. */
    static List<GroupWindow> interleaved(int capacity, int groups, int steps) {
        List<List<GroupWindow>> each = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            each.add(HistorySequences.random("g" + g, 100 + g, steps, capacity));
        }
        List<GroupWindow> out = new ArrayList<>();
        Random rnd = new Random(7);
        int[] next = new int[groups];
        while (out.size() < groups * steps) {
            int g = rnd.nextInt(groups);
            if (next[g] < steps) {
                out.add(each.get(g).get(next[g]++));
            }
        }
        return out;
    }

    static StateBackend backend(String name) {
        return "rocksdb".equals(name) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /** A keyed harness (keyed by group) for a history function on the given state backend, not yet opened. */
    static KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> harness(
            KeyedProcessFunction<String, GroupWindow, ForecastTask> f, StateBackend backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), (GroupWindow w) -> w.group,
                Types.STRING);
        h.setStateBackend(backend);
        return h;
    }

    static List<ForecastTask> run(KeyedProcessFunction<String, GroupWindow, ForecastTask> f, StateBackend backend,
            List<GroupWindow> input) throws Exception {
        try (var h = harness(f, backend)) {
            h.open();
            for (GroupWindow w : input) {
                h.processElement(w, w.windowEnd - 1);
            }
            return tasks(h.getOutput());
        }
    }

    static List<ForecastTask> tasks(Iterable<Object> output) {
        List<ForecastTask> l = new ArrayList<>();
        for (Object o : output) {
            if (o instanceof StreamRecord) {
                l.add((ForecastTask) ((StreamRecord<?>) o).getValue());
            }
        }
        return l;
    }

    /** Arrays.equals (NaN equals NaN) first: assertj's element-wise message only on a difference. */
    private static void same(double[] actual, double[] expected, String what) {
        if (!Arrays.equals(actual, expected)) {
            assertThat(actual).as(what).containsExactly(expected);
        }
    }

    private static double[] tail(double[] series, int known) {
        return known >= series.length ? series : Arrays.copyOfRange(series, series.length - known, series.length);
    }

    private static double[] asFloats(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) x[i];
        }
        return y;
    }
}
