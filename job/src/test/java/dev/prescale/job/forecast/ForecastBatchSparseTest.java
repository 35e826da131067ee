package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.LagRanges;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummarizingForecaster;
import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sparse tasks reach the forecaster as full-length histories built from the operator's pooled NaN
 * arrays: batch after batch, with other lag positions and lengths, every request sees exactly the
 * task's freshly expanded series (a pool not set back to NaN would show the previous batch's
 * values), mixed with complete tasks in one batch, and the forecasts are those of the expansions.
 */
class ForecastBatchSparseTest {

    private static final long W = 60_000;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    private static final int HORIZON = 15;
    private static final SummaryPlan PLAN = new SeasonalNaiveForecaster(DAY, 2, HOUR).summaryPlan(W, HORIZON);
    private static final long HOUR_START = 1_767_225_600_000L;
    private static final String[] COVARIATE = {"apiCalls"};

    /** snaive/2 by the hour that copies every history and covariate it is given (copies: it may not keep them). */
    static final class CapturingForecaster implements SummarizingForecaster {
        static final List<double[]> HISTORIES = new CopyOnWriteArrayList<>();
        static final List<double[]> COVARIATES = new CopyOnWriteArrayList<>();
        private final SeasonalNaiveForecaster inner = new SeasonalNaiveForecaster(DAY, 2, HOUR);

        @Override
        public String version() {
            return inner.version();
        }

        @Override
        public SummaryPlan summaryPlan(long stepMillis, int horizon) {
            return inner.summaryPlan(stepMillis, horizon);
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests) {
            capture(requests);
            return inner.forecast(requests);
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests, List<double[]> summaries) {
            capture(requests);
            return inner.forecast(requests, summaries);
        }

        private static void capture(List<ForecastRequest> requests) {
            for (ForecastRequest r : requests) {
                HISTORIES.add(r.history().clone());
                COVARIATES.add(r.covariates().get(COVARIATE[0]).clone());
            }
        }
    }

    static final class CapturingFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public String location() {
            return "capturing-snaive";
        }

        @Override
        public CapturingForecaster create() {
            return new CapturingForecaster();
        }
    }

    @BeforeEach
    void clear() {
        CapturingForecaster.HISTORIES.clear();
        CapturingForecaster.COVARIATES.clear();
    }

    /** A series in the sparse form of {@link LagRanges}: the values at the (clipped) ranges. */
    static double[] sparseOf(double[] full, int[] ranges) {
        double[] sparse = new double[LagRanges.length(ranges)];
        int n = full.length;
        int k = 0;
        for (int p = 0; p < ranges.length; p += 2) {
            for (int lag = ranges[p + 1]; lag >= ranges[p]; lag--) {
                sparse[k++] = full[n - lag];
            }
        }
        return sparse;
    }

    /**
     * A task of the series {@code x} (and one covariate) ending at {@code end}: complete, complete
     * with summaries (a refresh), or sparse with the plan's lag ranges.
     */
    private static ForecastTask task(String group, double[][] x, double[] covariate, long end, String form) {
        ForecastTask t = new ForecastTask();
        t.group = group;
        t.windowEnd = end;
        t.stepMillis = W;
        t.horizon = HORIZON;
        int n = x[0].length;
        t.historySteps = n;
        t.covariateNames = COVARIATE;
        t.observed = new double[4];
        t.history = new double[4][];
        boolean sparse = form.equals("sparse");
        if (!form.equals("full")) {
            t.summaries = new double[0];
            t.maxAbs = new double[4];
        }
        if (sparse) {
            t.lagRanges = LagRanges.clip(PLAN.lagRanges(group, end), n);
        }
        t.covariates = new double[][] {sparse ? sparseOf(covariate, t.lagRanges) : covariate.clone()};
        for (int r = 0; r < 4; r++) {
            t.observed[r] = x[r][n - 1];
            t.history[r] = sparse ? sparseOf(x[r], t.lagRanges) : x[r].clone();
            if (t.summaries != null) {
                double[] summary = PLAN.summarize(ForecastRequest.of(group, end, W, x[r], HORIZON));
                double[] all = Arrays.copyOf(t.summaries, t.summaries.length + summary.length);
                System.arraycopy(summary, 0, all, t.summaries.length, summary.length);
                t.summaries = all;
                t.maxAbs[r] = Arrays.stream(x[r]).map(Math::abs).max().orElse(0);
            }
        }
        return t;
    }

    private static double[][] history(long seed, int n) {
        Random rnd = new Random(seed);
        double[][] x = new double[4][n];
        for (int r = 0; r < 4; r++) {
            for (int i = 0; i < n; i++) {
                x[r][i] = 100 * (r + 1) + 30 * Math.sin(i * 2 * Math.PI / 1440) + rnd.nextGaussian() * 5;
            }
        }
        return x;
    }

    private static double[] covariate(long seed, int n) {
        Random rnd = new Random(seed);
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = rnd.nextInt(500);
        }
        return c;
    }

    /**
     * Runs the tasks as one batch (flushed by a watermark) and checks what the forecaster saw and
     * answered against the tasks' expanded series; returns the operator's pooled arrays after it.
     */
    private static int batch(OneInputStreamOperatorTestHarness<ForecastTask, GroupForecast> h, List<ForecastTask> tasks)
            throws Exception {
        CapturingForecaster.HISTORIES.clear();
        CapturingForecaster.COVARIATES.clear();
        h.getOutput().clear();
        long end = tasks.get(0).windowEnd;
        for (ForecastTask t : tasks) {
            h.processElement(t, t.windowEnd - 1);
        }
        h.processWatermark(new Watermark(end));
        List<GroupForecast> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((GroupForecast) r.getValue());
            }
        }
        assertThat(out).hasSameSizeAs(tasks);
        SeasonalNaiveForecaster reference = new SeasonalNaiveForecaster(DAY, 2, HOUR);
        int i = 0;
        for (int k = 0; k < tasks.size(); k++) {
            ForecastTask t = tasks.get(k);
            int length = t.summaries == null ? 0 : t.summaries.length / 4;
            for (ResourceType type : ResourceType.values()) {
                int r = type.ordinal();
                String what = t.group + " (" + (t.sparse() ? "sparse" : "complete") + ") resource " + r;
                double[] expected = t.fullHistory(r);
                // Arrays.equals: bit for bit, NaN equal to NaN.
                assertThat(Arrays.equals(CapturingForecaster.HISTORIES.get(i), expected)).as(what).isTrue();
                assertThat(Arrays.equals(CapturingForecaster.COVARIATES.get(i), t.fullCovariate(0))).as(what).isTrue();
                ForecastRequest fresh = ForecastRequest.of(t.group + "/" + type.jsonName(), t.windowEnd, W, expected, HORIZON);
                Forecast f = t.summaries == null ? reference.forecast(fresh)
                        : reference.forecast(List.of(fresh), List.of(Arrays.copyOfRange(t.summaries, r * length, (r + 1) * length))).get(0);
                assertThat(out.get(k).p10[r]).as(what).containsExactly(f.p10());
                assertThat(out.get(k).p50[r]).as(what).containsExactly(f.p50());
                assertThat(out.get(k).p90[r]).as(what).containsExactly(f.p90());
                assertThat(Arrays.stream(out.get(k).p50[r]).allMatch(Double::isFinite)).as(what).isTrue();
                i++;
            }
        }
        assertThat(CapturingForecaster.HISTORIES).hasSize(i);
        ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
        assertThat(op.modelFaults()).isZero();
        return op.pooledArrays();
    }

    private static OneInputStreamOperatorTestHarness<ForecastTask, GroupForecast> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ForecastBatchOperator(new CapturingFactory(), 100, 60_000, PLAN, W, HORIZON));
    }

    @Test
    void consecutiveBatchesWithOtherLagPositionsSeeFreshlyExpandedHistories() throws Exception {
        try (var h = harness()) {
            h.open();
            // 37 minutes into the hour: lags 1..37 and a day back; 4 series and a covariate per task.
            long end1 = HOUR_START + 37 * W;
            int pooled = batch(h, List.of(task("a", history(1, 2880), covariate(1, 2880), end1, "sparse"),
                    task("b", history(2, 2880), covariate(2, 2880), end1, "sparse")));
            assertThat(pooled).isEqualTo(10);
            // The next hour, 5 minutes in: lags 6..37 held the first batch's values.
            long end2 = HOUR_START + 65 * W;
            pooled = batch(h, List.of(task("a", history(3, 2880), covariate(3, 2880), end2, "sparse"),
                    task("b", history(4, 2880), covariate(4, 2880), end2, "sparse")));
            assertThat(pooled).as("the same arrays again").isEqualTo(10);
            // Other lengths: a group younger than the context next to a full one.
            long end3 = HOUR_START + 80 * W;
            pooled = batch(h, List.of(task("young", history(5, 2000), covariate(5, 2000), end3, "sparse"),
                    task("a", history(6, 2880), covariate(6, 2880), end3, "sparse")));
            // Kept per length in use: the 10 of the full length (5 lent again), 5 of the young one.
            assertThat(pooled).isEqualTo(15);
            // And back at the first lags, after a batch in between.
            batch(h, List.of(task("a", history(7, 2880), covariate(7, 2880), end1 + 2 * HOUR, "sparse")));
        }
    }

    @Test
    void aBatchMixingSparseAndCompleteTasks() throws Exception {
        try (var h = harness()) {
            h.open();
            long end = HOUR_START + 23 * W;
            double[][] x = history(11, 2880);
            double[] c = covariate(11, 2880);
            int pooled = batch(h, List.of(task("full", x, c, end, "full"), task("sparse", history(12, 2880), c, end, "sparse"),
                    task("refresh", x, c, end, "refresh"), task("young", history(13, 1500), covariate(13, 1500), end, "sparse"),
                    task("same-as-full", x, c, end, "sparse")));
            // Only the sparse tasks take pooled arrays: 3 x (4 series + 1 covariate).
            assertThat(pooled).isEqualTo(15);
            pooled = batch(h, List.of(task("sparse", history(14, 2880), c, end + 2 * W, "sparse"),
                    task("full", x, c, end + 2 * W, "full")));
            // The young group's length was not taken again: its arrays are dropped.
            assertThat(pooled).isEqualTo(10);
            // A batch of complete tasks only takes none and keeps them for the next sparse one.
            pooled = batch(h, List.of(task("full", x, c, end + 3 * W, "full")));
            assertThat(pooled).isEqualTo(10);
        }
    }
}
