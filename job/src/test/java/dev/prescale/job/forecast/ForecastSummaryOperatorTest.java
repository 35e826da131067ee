package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.LagRanges;
import dev.prescale.models.Forecaster;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The forecast operator of a job built with a summary plan: tasks with summaries are forecast from
 * them (as their full histories would be), their range check uses the task's maximum, and a hot
 * swap to a model with another plan (or none) is refused.
 */
class ForecastSummaryOperatorTest {

    private static final long W = 60_000;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    private static final int HORIZON = 15;
    private static final SummaryPlan PLAN = new SeasonalNaiveForecaster(DAY, 2, HOUR).summaryPlan(W, HORIZON);

    /** "snaive-60m*": snaive summarizing per hour, "snaive-30m*": per half hour, anything else: no summaries. */
    static final class PlanFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;
        private final String location;

        PlanFactory(String location) {
            this.location = location;
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public Forecaster create() {
            if (location.startsWith("snaive-60m")) {
                return new SeasonalNaiveForecaster(DAY, 2, HOUR);
            }
            if (location.startsWith("snaive-30m")) {
                return new SeasonalNaiveForecaster(DAY, 2, HOUR / 2);
            }
            return new ForecastModelSwapTest.VersionedForecaster(location);
        }

        @Override
        public ForecasterFactory withLocation(String other) {
            return new PlanFactory(other);
        }
    }

    private static TwoInputStreamOperatorTestHarness<ForecastTask, ModelUpdate, GroupForecast> harness(String location,
            SummaryPlan plan) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new ForecastBatchOperator(new PlanFactory(location), 100, 60_000, plan, W, HORIZON));
    }

    private static List<GroupForecast> forecasts(TwoInputStreamOperatorTestHarness<ForecastTask, ModelUpdate, GroupForecast> h) {
        List<GroupForecast> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                l.add((GroupForecast) r.getValue());
            }
        }
        return l;
    }

    /** A task of 2 days of history; with {@code summarized}, sparse as the history operator ships it. */
    private static ForecastTask task(double[][] x, long end, boolean summarized, double maxAbsFactor) {
        ForecastTask t = new ForecastTask();
        t.group = summarized ? "sparse" : "full";
        t.windowEnd = end;
        t.stepMillis = W;
        t.horizon = HORIZON;
        t.historySteps = x[0].length;
        t.covariateNames = new String[0];
        t.covariates = new double[0][];
        t.history = new double[4][];
        t.observed = new double[4];
        if (summarized) {
            t.summaries = new double[0];
            t.maxAbs = new double[4];
            t.lagRanges = LagRanges.clip(PLAN.lagRanges("s", end), t.historySteps);
        }
        for (int r = 0; r < 4; r++) {
            int n = x[r].length;
            t.observed[r] = x[r][n - 1];
            if (!summarized) {
                t.history[r] = x[r].clone();
                continue;
            }
            double[] summary = PLAN.summarize(ForecastRequest.of("s", end, W, x[r], HORIZON));
            t.summaries = concat(t.summaries, summary);
            t.maxAbs[r] = maxAbsFactor * Arrays.stream(x[r]).map(Math::abs).max().orElse(0);
            // The lag values only, range after range, each oldest first.
            double[] sparse = new double[LagRanges.length(t.lagRanges)];
            int k = 0;
            for (int p = 0; p < t.lagRanges.length; p += 2) {
                for (int lag = t.lagRanges[p + 1]; lag >= t.lagRanges[p]; lag--) {
                    sparse[k++] = x[r][n - lag];
                }
            }
            t.history[r] = sparse;
        }
        return t;
    }

    /** The task that made the summaries: complete, with them. */
    private static ForecastTask refresh(double[][] x, long end) {
        ForecastTask t = task(x, end, true, 1);
        t.group = "refresh";
        t.lagRanges = null;
        for (int r = 0; r < 4; r++) {
            t.history[r] = x[r].clone();
        }
        return t;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static double[][] history(long seed) {
        Random rnd = new Random(seed);
        double[][] x = new double[4][2880];
        for (int r = 0; r < 4; r++) {
            for (int i = 0; i < 2880; i++) {
                x[r][i] = 100 * (r + 1) + 30 * Math.sin(i * 2 * Math.PI / 1440) + rnd.nextGaussian() * 5;
            }
        }
        return x;
    }

    @Test
    void tasksWithSummariesGetTheForecastsOfTheirFullHistories() throws Exception {
        long end = 1_767_225_600_000L + 37 * W; // 37 minutes into an hour
        double[][] x = history(1);
        try (var h = harness("snaive-60m-a", PLAN)) {
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            // One batch of every form: complete, sparse, complete with summaries, sparse again.
            h.processElement1(task(x, end, false, 1), end - 1);
            h.processElement1(task(x, end, true, 1), end - 1);
            h.processElement1(refresh(x, end), end - 1);
            h.processElement1(task(x, end, true, 1), end - 1);
            h.processWatermark1(new Watermark(end));
            h.processWatermark2(new Watermark(Long.MAX_VALUE));
            List<GroupForecast> out = forecasts(h);
            assertThat(out).extracting(f -> f.group).containsExactly("full", "sparse", "refresh", "sparse");
            for (int i = 1; i < out.size(); i++) {
                for (int r = 0; r < 4; r++) {
                    assertThat(out.get(i).p10[r]).containsExactly(out.get(0).p10[r]);
                    assertThat(out.get(i).p50[r]).containsExactly(out.get(0).p50[r]);
                    assertThat(out.get(i).p90[r]).containsExactly(out.get(0).p90[r]);
                    assertThat(Arrays.stream(out.get(i).p50[r]).allMatch(Double::isFinite)).isTrue();
                }
            }
            assertThat(op.modelFaults()).isZero();
        }
    }

    @Test
    void theRangeCheckOfASparseHistoryUsesTheTasksMaximum() throws Exception {
        long end = 1_767_225_600_000L + 5 * W;
        double[][] x = history(2);
        try (var h = harness("snaive-60m-range", PLAN)) {
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            // A maximum a twentieth of the history's: 10x of it plus 1 is below the forecasts.
            h.processElement1(task(x, end, true, 0.05), end - 1);
            h.processWatermark1(new Watermark(end));
            h.processWatermark2(new Watermark(Long.MAX_VALUE));
            GroupForecast f = forecasts(h).get(0);
            assertThat(op.modelFaults()).isEqualTo(4);
            assertThat(f.note).contains(ForecastSanity.NOTE_PREFIX).contains("outside the history's range");
            assertThat(f.p50[0][0]).isNaN();
        }
    }

    @Test
    void aSwapToAModelWithAnotherPlanOrNoneIsRefused() throws Exception {
        try (var h = harness("snaive-60m-a", PLAN)) {
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            h.processElement2(new ModelUpdate("plain-b", null), 0);
            assertThat(op.currentLocation()).isEqualTo("snaive-60m-a");
            assertThat(op.modelFaults()).isEqualTo(1);
            assertThat(SharedForecasters.references("plain-b")).isZero();

            h.processElement2(new ModelUpdate("snaive-30m-c", null), 0);
            assertThat(op.currentLocation()).isEqualTo("snaive-60m-a");
            assertThat(op.modelFaults()).isEqualTo(2);
            assertThat(SharedForecasters.references("snaive-30m-c")).isZero();

            // The same plan from another location is a model like any other.
            h.processElement2(new ModelUpdate("snaive-60m-d", null), 0);
            assertThat(op.currentLocation()).isEqualTo("snaive-60m-d");
            assertThat(op.modelFaults()).isEqualTo(2);
        }
        // A job built without a plan (full histories) takes any model.
        try (var h = harness("snaive-60m-e", null)) {
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            h.processElement2(new ModelUpdate("plain-f", null), 0);
            assertThat(op.currentLocation()).isEqualTo("plain-f");
            assertThat(op.modelFaults()).isZero();
        }
    }

    @Test
    void aRestoredLocationWithAnotherPlanFallsBackToTheConfiguredModel() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness("snaive-60m-r1", PLAN)) {
            h.open();
            h.processElement2(new ModelUpdate("snaive-60m-r2", null), 0);
            snapshot = h.snapshot(1, 1);
        }
        // Restarted with a half-hour plan: the announced hourly model cannot serve its tasks.
        SummaryPlan halfHour = new SeasonalNaiveForecaster(DAY, 2, HOUR / 2).summaryPlan(W, HORIZON);
        try (var h = new TwoInputStreamOperatorTestHarness<ForecastTask, ModelUpdate, GroupForecast>(
                new ForecastBatchOperator(new PlanFactory("snaive-30m-r3"), 100, 60_000, halfHour, W, HORIZON))) {
            h.initializeState(snapshot);
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            assertThat(op.currentLocation()).isEqualTo("snaive-30m-r3");
            assertThat(op.modelFaults()).isEqualTo(1);
            assertThat(SharedForecasters.references("snaive-60m-r2")).isZero();
        }
    }
}
