package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ForecastModelSwapTest {

    /** Forecasts the last value; its version is its location; records the sizes of its batches. */
    static final class VersionedForecaster implements Forecaster {
        final String location;
        final List<Integer> batches = new ArrayList<>();
        boolean closed;

        VersionedForecaster(String location) {
            this.location = location;
        }

        @Override
        public String version() {
            return "v-" + location;
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests) {
            batches.add(requests.size());
            List<Forecast> out = new ArrayList<>();
            for (ForecastRequest r : requests) {
                double[] p = new double[r.horizon()];
                java.util.Arrays.fill(p, r.history()[r.history().length - 1]);
                out.add(new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p, p, p, version(), ""));
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Forecasters by location, created by the factory; "broken*" locations fail to load. */
    static final Map<String, VersionedForecaster> CREATED = new ConcurrentHashMap<>();

    static final class LocationFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;
        private final String location;

        LocationFactory(String location) {
            this.location = location;
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public Forecaster create() {
            if (location.startsWith("broken")) {
                throw new IllegalStateException("no model at " + location);
            }
            VersionedForecaster f = new VersionedForecaster(location);
            CREATED.put(location, f);
            return f;
        }

        @Override
        public ForecasterFactory withLocation(String other) {
            return new LocationFactory(other);
        }
    }

    private static ForecastTask task(String group, long end, double value) {
        ForecastTask t = new ForecastTask();
        t.group = group;
        t.windowEnd = end;
        t.stepMillis = 1000;
        t.horizon = 2;
        t.historySteps = 2;
        t.observed = new double[] {value, value, value, value};
        t.history = new double[4][];
        for (int r = 0; r < 4; r++) {
            t.history[r] = new double[] {0, value};
        }
        t.covariateNames = new String[0];
        t.covariates = new double[0][];
        return t;
    }

    private static TwoInputStreamOperatorTestHarness<ForecastTask, ModelUpdate, GroupForecast> harness(String location)
            throws Exception {
        // Batches of 100 requests and a long timeout: only a swap, a watermark or a checkpoint flushes.
        return new TwoInputStreamOperatorTestHarness<>(new ForecastBatchOperator(new LocationFactory(location), 100, 60_000));
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

    @Test
    void swapFlushesPendingWithTheOldModelThenUsesTheNewAndReleasesTheOld() throws Exception {
        CREATED.clear();
        try (var h = harness("swap-a")) {
            h.setProcessingTime(0);
            h.open();
            h.processElement1(task("g", 1000, 3), 999);
            assertThat(forecasts(h)).isEmpty();

            h.processElement2(new ModelUpdate("swap-b", null), 0);
            List<GroupForecast> out = forecasts(h);
            assertThat(out).hasSize(1);
            assertThat(out.get(0).model).isEqualTo("v-swap-a");
            assertThat(CREATED.get("swap-a").batches).containsExactly(4);
            assertThat(CREATED.get("swap-a").closed).isTrue();
            assertThat(SharedForecasters.references("swap-a")).isZero();
            assertThat(SharedForecasters.references("swap-b")).isEqualTo(1);

            h.processElement1(task("g", 2000, 5), 1999);
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(2000));
            h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
            out = forecasts(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(1).model).isEqualTo("v-swap-b");
            assertThat(out.get(1).p50[0]).containsExactly(5.0, 5.0);
            assertThat(CREATED.get("swap-b").batches).containsExactly(4);
        }
        assertThat(SharedForecasters.references("swap-b")).isZero();
    }

    @Test
    void aLocationThatFailsToLoadOrReportsAnotherVersionKeepsTheOldModel() throws Exception {
        CREATED.clear();
        try (var h = harness("keep-a")) {
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            h.processElement1(task("g", 1000, 3), 999);
            h.processElement2(new ModelUpdate("broken-b", null), 0);
            assertThat(op.currentLocation()).isEqualTo("keep-a");
            assertThat(op.modelFaults()).isEqualTo(1);
            assertThat(SharedForecasters.references("broken-b")).isZero();

            h.processElement2(new ModelUpdate("keep-c", "v-something-else"), 0);
            assertThat(op.currentLocation()).isEqualTo("keep-a");
            assertThat(op.modelFaults()).isEqualTo(2);
            assertThat(SharedForecasters.references("keep-c")).isZero();
            // Nothing was flushed by a refused swap; the pending request is answered by the old model.
            assertThat(forecasts(h)).isEmpty();
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(1000));
            h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
            assertThat(forecasts(h)).extracting(f -> f.model).containsExactly("v-keep-a");
            assertThat(SharedForecasters.references("keep-a")).isEqualTo(1);
        }
    }

    @Test
    void aRestoreFromACheckpointKeepsTheAnnouncedModel() throws Exception {
        CREATED.clear();
        OperatorSubtaskState snapshot;
        try (var h = harness("restore-a")) {
            h.open();
            h.processElement2(new ModelUpdate("restore-b", "v-restore-b"), 0);
            h.processElement1(task("g", 1000, 3), 999);
            // As the task does before a barrier (the harness's snapshot does not).
            h.getOperator().prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            // The checkpoint flushed the pending request with the announced model.
            assertThat(forecasts(h)).extracting(f -> f.model).containsExactly("v-restore-b");
        }
        try (var h = harness("restore-a")) {
            h.initializeState(snapshot);
            h.open();
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOperator();
            assertThat(op.currentLocation()).isEqualTo("restore-b");
            h.processElement1(task("g", 2000, 4), 1999);
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(2000));
            h.processWatermark2(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
            assertThat(forecasts(h)).extracting(f -> f.model).containsExactly("v-restore-b");
            assertThat(SharedForecasters.references("restore-a")).isZero();
        }
    }
}
