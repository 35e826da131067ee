package dev.prescale.job.pipeline;

import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.backend;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.interleaved;
import static dev.prescale.job.pipeline.GroupHistoryEquivalenceTest.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the seasonal naive forecaster's summary plan the history operator ships sparse histories
 * (only the values of the plan's lag ranges) with per-period summaries, and their forecasts are bit for bit those of the full histories the
 * operator ships without a plan; a window that is not the first of its period reads few chunks; the
 * summaries survive a snapshot.
 */
class GroupHistorySummaryTest {

    private static final long W = HistorySequences.W;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    /** A 2-hour season at 1-minute windows (120 steps): many hour boundaries in a short run. */
    private static final SeasonalNaiveForecaster SNAIVE = new SeasonalNaiveForecaster(2 * HOUR, 2, HOUR);
    private static final int HORIZON = 15;
    private static final SummaryPlan PLAN = SNAIVE.summaryPlan(W, HORIZON);

    private static KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> harness(
            GroupHistoryFunction f, String backend) throws Exception {
        return GroupHistoryEquivalenceTest.harness(f, backend(backend));
    }

    private static List<ForecastTask> run(GroupHistoryFunction f, String backend, List<GroupWindow> input) throws Exception {
        return GroupHistoryEquivalenceTest.run(f, backend(backend), input);
    }

    /** The forecasts of a task per resource, as the forecast operator asks for them. */
    static List<Forecast> forecasts(ForecastTask t) {
        List<ForecastRequest> requests = new ArrayList<>();
        List<double[]> summaries = new ArrayList<>();
        int n = ResourceType.values().length;
        for (int r = 0; r < n; r++) {
            requests.add(ForecastRequest.of(t.group + "/" + r, t.windowEnd, t.stepMillis, t.fullHistory(r), t.horizon));
            int length = t.summaries == null ? 0 : t.summaries.length / n;
            summaries.add(t.summaries == null ? null : Arrays.copyOfRange(t.summaries, r * length, (r + 1) * length));
        }
        return t.summaries == null ? SNAIVE.forecast(requests) : SNAIVE.forecast(requests, summaries);
    }

    private static final int STORAGE = ResourceType.STORAGE.ordinal();

    private static boolean sameBand(Forecast a, Forecast e) {
        return Arrays.equals(a.p10(), e.p10()) && Arrays.equals(a.p50(), e.p50()) && Arrays.equals(a.p90(), e.p90());
    }

    /** A task that carries only the values of its lag ranges (always one with summaries). */
    private static boolean sparse(ForecastTask t) {
        assertThat(t.lagRanges == null || t.summaries != null).as("lag ranges without summaries").isTrue();
        return t.lagRanges != null;
    }

    private static void assertSameForecasts(List<ForecastTask> withPlan, List<ForecastTask> full, int minSparse) {
        assertThat(withPlan).hasSameSizeAs(full);
        int sparse = 0;
        int summarized = 0;
        int storageStartsInGap = 0;
        for (int i = 0; i < full.size(); i++) {
            ForecastTask a = withPlan.get(i);
            ForecastTask e = full.get(i);
            assertThat(a.windowEnd).isEqualTo(e.windowEnd);
            assertThat(a.historySteps).isEqualTo(e.historySteps);
            assertThat(a.observed).as("observed at %d", i).containsExactly(e.observed);
            sparse += sparse(a) ? 1 : 0;
            if (sparse(a)) {
                assertSparseValuesAreThoseOfTheFullHistory(a, e);
            }
            summarized += a.summaries != null ? 1 : 0;
            List<Forecast> fa = forecasts(a);
            List<Forecast> fe = forecasts(e);
            for (int r = 0; r < fa.size(); r++) {
                String what = "task " + i + " (" + a.group + " at " + a.windowEnd + ", sparse " + sparse(a) + ") resource " + r;
                if (r == STORAGE && a.summaries != null && !sameBand(fa.get(r), fe.get(r))) {
                    // The one known difference: the full history starts inside a run of windows
                    // without traffic, whose storage level it takes as 0 (not carried from before its
                    // start); the summary was made when the level was still inside the history.
                    assertThat(e.history[STORAGE][0]).as(what).isZero();
                    assertThat(e.history[ResourceType.CPU.ordinal()][0]).as(what).isZero();
                    assertThat(fa.get(r).p50()).as(what).containsExactly(fe.get(r).p50());
                    storageStartsInGap++;
                    continue;
                }
                assertThat(fa.get(r).p10()).as(what).containsExactly(fe.get(r).p10());
                assertThat(fa.get(r).p50()).as(what).containsExactly(fe.get(r).p50());
                assertThat(fa.get(r).p90()).as(what).containsExactly(fe.get(r).p90());
                if (a.maxAbs != null) {
                    // The range check's maximum: never below the history's (the running one may be above).
                    double max = Arrays.stream(e.history[r]).map(Math::abs).max().orElse(0);
                    assertThat(a.maxAbs[r]).isGreaterThanOrEqualTo(max);
                }
            }
        }
        assertThat(sparse).as("sparse tasks").isGreaterThanOrEqualTo(minSparse);
        assertThat(storageStartsInGap).as("storage forecasts of histories starting in a gap").isLessThan(full.size() / 10);
        assertThat(summarized - sparse).as("refreshes").isPositive();
    }

    /**
     * A sparse task carries only its lag ranges' values (a few per series, not the context), and
     * they are the full history's values at those lags.
     */
    private static void assertSparseValuesAreThoseOfTheFullHistory(ForecastTask a, ForecastTask e) {
        int length = LagRanges.length(a.lagRanges);
        assertThat(length).isLessThan(a.historySteps / 2);
        int n = a.historySteps;
        for (int r = 0; r < a.history.length; r++) {
            assertThat(a.history[r]).hasSize(length);
            double[] full = a.fullHistory(r);
            assertThat(full).hasSize(n);
            for (int k = 0; k < a.lagRanges.length; k += 2) {
                for (int lag = a.lagRanges[k]; lag <= a.lagRanges[k + 1]; lag++) {
                    assertThat(full[n - lag]).as("resource %d lag %d", r, lag).isEqualTo(e.history[r][n - lag]);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"heap,240", "rocksdb,240", "heap,250", "rocksdb,250"})
    void forecastsFromSummariesEqualThoseFromFullHistories(String backend, int capacity) throws Exception {
        // Random sequences: gaps, re-firings, late first emissions and updates, over many hours; a
        // context of whole hours (240) and one that is not (250: its start crosses hour boundaries).
        List<GroupWindow> input = interleaved(capacity, 3, 900);
        List<ForecastTask> withPlan = run(new GroupHistoryFunction(capacity, W, HORIZON, DAY, false, 60, PLAN), backend, input);
        List<ForecastTask> full = run(new GroupHistoryFunction(capacity, W, HORIZON, DAY, false, 60), backend, input);
        assertSameForecasts(withPlan, full, 300);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void aWindowThatIsNotItsPeriodsFirstReadsAtMostThreeChunks(String backend) throws Exception {
        int capacity = 480;
        GroupHistoryFunction f = new GroupHistoryFunction(capacity, W, HORIZON, DAY, false, 60, PLAN);
        try (var h = harness(f, backend)) {
            h.open();
            Random rnd = new Random(3);
            int sparse = 0;
            int refreshes = 0;
            for (int k = 1; k <= 1200; k++) {
                long before = f.chunkReads();
                h.processElement(HistorySequences.window("g", HistorySequences.BASE + k, rnd, false), 0);
                long reads = f.chunkReads() - before;
                List<ForecastTask> out = tasks(h.getOutput());
                ForecastTask t = out.get(out.size() - 1);
                if (sparse(t)) {
                    sparse++;
                    // One or two for the windows a season back (the window's own chunk is in the
                    // head), and at an hour's start the chunk before it.
                    assertThat(reads).as("window %d", k).isLessThanOrEqualTo(3);
                } else if (t.summaries != null) {
                    refreshes++;
                    // Every chunk of the history but the open one, which is in the head.
                    assertThat(reads).as("window %d (refresh)", k).isGreaterThanOrEqualTo((t.historySteps - 1) / 60);
                }
            }
            // 1200 windows from step 121 on: one refresh an hour, the rest sparse.
            assertThat(refreshes).isBetween(17, 19);
            assertThat(sparse).isGreaterThan(1000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void summariesSurviveASnapshot(String backend) throws Exception {
        List<GroupWindow> input = interleaved(240, 3, 700);
        List<ForecastTask> full = run(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60), backend, input);
        int split = input.size() / 2;
        OperatorSubtaskState snapshot;
        List<ForecastTask> withPlan = new ArrayList<>();
        try (var h = harness(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN), backend)) {
            h.open();
            for (GroupWindow w : input.subList(0, split)) {
                h.processElement(w, w.windowEnd - 1);
            }
            withPlan.addAll(tasks(h.getOutput()));
            snapshot = h.snapshot(1, 1);
        }
        GroupHistoryFunction restored = new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN);
        try (var h = harness(restored, backend)) {
            h.initializeState(snapshot);
            h.open();
            for (GroupWindow w : input.subList(split, input.size())) {
                h.processElement(w, w.windowEnd - 1);
            }
            withPlan.addAll(tasks(h.getOutput()));
        }
        assertSameForecasts(withPlan, full, 200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void theFirstWindowAfterARestoreUsesTheRestoredSummaries(String backend) throws Exception {
        Random rnd = new Random(9);
        OperatorSubtaskState snapshot;
        // Windows 1..150 (the hour boundary at 120 made summaries), then 151 after a restore.
        long base = HistorySequences.BASE - Math.floorMod(HistorySequences.BASE, 60);
        try (var h = harness(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN), backend)) {
            h.open();
            for (int k = 1; k <= 150; k++) {
                h.processElement(HistorySequences.window("g", base + k, rnd, false), 0);
            }
            List<ForecastTask> out = tasks(h.getOutput());
            assertThat(sparse(out.get(out.size() - 1))).isTrue();
            snapshot = h.snapshot(1, 1);
        }
        GroupHistoryFunction f = new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN);
        try (var h = harness(f, backend)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(HistorySequences.window("g", base + 151, rnd, false), 0);
            ForecastTask t = tasks(h.getOutput()).get(0);
            assertThat(sparse(t)).isTrue();
            assertThat(f.chunkReads()).isLessThanOrEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void stateOfAJobWithoutSummariesRestoresAndMakesThemAtOnce(String backend) throws Exception {
        Random rnd = new Random(11);
        long base = HistorySequences.BASE - Math.floorMod(HistorySequences.BASE, 60);
        OperatorSubtaskState snapshot;
        List<GroupWindow> input = new ArrayList<>();
        for (int k = 1; k <= 200; k++) {
            input.add(HistorySequences.window("g", base + k, rnd, false));
        }
        try (var h = harness(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60), backend)) {
            h.open();
            for (GroupWindow w : input.subList(0, 150)) {
                h.processElement(w, w.windowEnd - 1);
            }
            assertThat(tasks(h.getOutput())).allMatch(t -> t.summaries == null);
            snapshot = h.snapshot(1, 1);
        }
        List<ForecastTask> after;
        try (var h = harness(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN), backend)) {
            h.initializeState(snapshot);
            h.open();
            for (GroupWindow w : input.subList(150, 200)) {
                h.processElement(w, w.windowEnd - 1);
            }
            after = tasks(h.getOutput());
        }
        // The first window after the restore makes the summaries from the full history, as does the
        // first of the next hour; the others are sparse.
        assertThat(after).allMatch(t -> t.summaries != null);
        assertThat(after.stream().filter(t -> !sparse(t)).map(t -> t.windowEnd))
                .containsExactly((base + 151) * W, (base + 180) * W);
        List<ForecastTask> full = run(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60), backend, input);
        assertSameForecasts(after, full.subList(150, 200), 40);
    }

    @Test
    void staggeredPeriodsSpreadTheRefreshesOverTheHourAndStillEqualFullForecasts() throws Exception {
        // 40 groups, 400 consecutive windows each, in window order as the job sees them.
        Random rnd = new Random(3);
        List<GroupWindow> input = new ArrayList<>();
        long base = HistorySequences.BASE - Math.floorMod(HistorySequences.BASE, 60);
        for (int k = 1; k <= 400; k++) {
            for (int g = 0; g < 40; g++) {
                input.add(HistorySequences.window("group-" + g, base + k, rnd, false));
            }
        }
        SeasonalNaiveForecaster staggered = new SeasonalNaiveForecaster(2 * HOUR, 2, HOUR, true);
        SummaryPlan plan = staggered.summaryPlan(W, HORIZON);
        List<ForecastTask> aligned = run(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, PLAN), "heap", input);
        List<ForecastTask> spread = run(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60, plan), "heap", input);
        // After every group's first summary (window 121 on), count the full reads per window.
        long from = (base + 130) * W;
        int alignedMax = maxRefreshesInAWindow(aligned, from);
        int spreadMax = maxRefreshesInAWindow(spread, from);
        assertThat(alignedMax).as("aligned: every group at the hour").isEqualTo(40);
        assertThat(spreadMax).as("staggered").isLessThanOrEqualTo(6);
        // And the staggered summaries still give the full-history forecasts of the same forecaster.
        List<ForecastTask> full = run(new GroupHistoryFunction(240, W, HORIZON, DAY, false, 60), "heap", input);
        for (int i = 0; i < full.size(); i += 7) {
            ForecastTask a = spread.get(i);
            ForecastTask e = full.get(i);
            for (int r = 0; r < ResourceType.values().length; r++) {
                String id = a.group + "/" + r;
                Forecast expected = staggered.forecast(ForecastRequest.of(id, e.windowEnd, W, e.history[r], HORIZON));
                int length = a.summaries == null ? 0 : a.summaries.length / ResourceType.values().length;
                Forecast actual = a.summaries == null ? staggered.forecast(ForecastRequest.of(id, a.windowEnd, W, a.fullHistory(r), HORIZON))
                        : staggered.forecast(List.of(ForecastRequest.of(id, a.windowEnd, W, a.fullHistory(r), HORIZON)),
                                List.of(Arrays.copyOfRange(a.summaries, r * length, (r + 1) * length))).get(0);
                if (r == STORAGE && !sameBand(actual, expected)) {
                    continue; // the storage band's known difference (see assertSameForecasts)
                }
                assertThat(actual.p10()).as("task %d resource %d", i, r).containsExactly(expected.p10());
                assertThat(actual.p50()).as("task %d resource %d", i, r).containsExactly(expected.p50());
                assertThat(actual.p90()).as("task %d resource %d", i, r).containsExactly(expected.p90());
            }
        }
    }

    /** The most tasks of one window that carry summaries made from a full read (not sparse). */
    private static int maxRefreshesInAWindow(List<ForecastTask> tasks, long fromWindowEnd) {
        java.util.Map<Long, Integer> perWindow = new java.util.HashMap<>();
        for (ForecastTask t : tasks) {
            if (t.windowEnd >= fromWindowEnd && t.summaries != null && !sparse(t)) {
                perWindow.merge(t.windowEnd, 1, Integer::sum);
            }
        }
        return perWindow.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }
}
