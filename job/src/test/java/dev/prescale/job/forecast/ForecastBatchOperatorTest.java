package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ForecastBatchOperatorTest {

    /** Records batch sizes; forecasts last value + step number, so outputs can be checked. */
    static final class RecordingForecaster implements Forecaster {
        static final List<Integer> BATCHES = new CopyOnWriteArrayList<>();
        static volatile boolean closed;

        @Override
        public String version() {
            return "recording/1";
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests) {
            BATCHES.add(requests.size());
            List<Forecast> out = new ArrayList<>();
            for (ForecastRequest r : requests) {
                double last = r.history()[r.history().length - 1];
                double[] p = new double[r.horizon()];
                for (int i = 0; i < p.length; i++) {
                    p[i] = last + i + 1;
                }
                out.add(new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p, p, p, version(), ""));
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class RecordingFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public String location() {
            return "recording";
        }

        @Override
        public Forecaster create() {
            return new RecordingForecaster();
        }
    }

    private static ForecastTask task(String group, long end, double value) {
        ForecastTask t = new ForecastTask();
        t.group = group;
        t.windowEnd = end;
        t.stepMillis = 1000;
        t.horizon = 2;
        t.historySteps = 3;
        t.observed = new double[] {value, value, value, value};
        t.history = new double[4][];
        for (int r = 0; r < 4; r++) {
            t.history[r] = new double[] {0, 0, value};
        }
        t.covariateNames = new String[] {"apiCalls"};
        t.covariates = new double[][] {{1, 2, 3}};
        return t;
    }

    private static List<StreamRecord<GroupForecast>> records(OneInputStreamOperatorTestHarness<ForecastTask, GroupForecast> h) {
        List<StreamRecord<GroupForecast>> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                @SuppressWarnings("unchecked")
                StreamRecord<GroupForecast> r = (StreamRecord<GroupForecast>) o;
                l.add(r);
            }
        }
        return l;
    }

    @Test
    void flushesByCountByTimerAndBeforeAWatermarkWithOneSharedForecaster() throws Exception {
        RecordingForecaster.BATCHES.clear();
        RecordingForecaster.closed = false;
        RecordingFactory factory = new RecordingFactory();
        // 4 resources per task: a batch of 8 requests is full after 2 tasks.
        try (var h1 = new OneInputStreamOperatorTestHarness<>(new ForecastBatchOperator(factory, 8, 100));
                var h2 = new OneInputStreamOperatorTestHarness<>(new ForecastBatchOperator(factory, 8, 100))) {
            h1.setProcessingTime(0);
            h1.open();
            h2.open();
            assertThat(SharedForecasters.references("recording")).isEqualTo(2);

            h1.processElement(task("a", 1000, 5), 999);
            assertThat(records(h1)).isEmpty();
            h1.processElement(task("b", 1000, 7), 999);
            assertThat(RecordingForecaster.BATCHES).containsExactly(8);
            List<StreamRecord<GroupForecast>> out = records(h1);
            assertThat(out).hasSize(2);
            assertThat(out.get(0).getTimestamp()).isEqualTo(999);
            GroupForecast a = out.get(0).getValue();
            assertThat(a.group).isEqualTo("a");
            assertThat(a.p50[0]).containsExactly(6.0, 7.0);
            assertThat(a.model).isEqualTo("recording/1");

            h1.processElement(task("c", 2000, 1), 1999);
            h1.setProcessingTime(99);
            assertThat(records(h1)).hasSize(2);
            h1.setProcessingTime(100);
            assertThat(records(h1)).hasSize(3);
            assertThat(RecordingForecaster.BATCHES).containsExactly(8, 4);

            h1.processElement(task("d", 3000, 1), 2999);
            h1.processWatermark(2999);
            // The forecast is emitted before the watermark that would make it late.
            Object[] all = h1.getOutput().toArray();
            assertThat(all[all.length - 2]).isInstanceOf(StreamRecord.class);
            assertThat(Arrays.toString(all)).contains("Watermark @ 2999");
        }
        assertThat(SharedForecasters.references("recording")).isZero();
        assertThat(RecordingForecaster.closed).isTrue();
    }

    @Test
    void flushesBeforeACheckpointSoNothingIsBufferedInIt() throws Exception {
        RecordingForecaster.BATCHES.clear();
        try (var h = new OneInputStreamOperatorTestHarness<>(new ForecastBatchOperator(new RecordingFactory(), 64, 10_000))) {
            h.open();
            h.processElement(task("a", 1000, 5), 999);
            assertThat(records(h)).isEmpty();
            h.prepareSnapshotPreBarrier(1);
            assertThat(records(h)).hasSize(1);
        }
    }
}
