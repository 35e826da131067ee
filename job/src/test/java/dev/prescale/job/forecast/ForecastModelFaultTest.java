package dev.prescale.job.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupForecast;
import dev.prescale.job.pipeline.TargetWindow;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.RiskLevel;
import dev.prescale.job.scaling.ScalingEngine;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.job.scaling.TargetState;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Model faults end to end: a missing or corrupt model, a failing model, NaN, infinite or absurd
 * outputs. The forecast operator keeps running, counts the fault and passes an unusable forecast
 * with a note; the target's forecast is unusable too; the engine falls back to reactive target
 * tracking with the fault in its reason: neither zero capacity nor the maximum.
 */
class ForecastModelFaultTest {

    /** What the faulty model does with every request. */
    enum Fault {
        NAN, POSITIVE_INFINITY, NEGATIVE_INFINITY, HUGE, THROWS, WRONG_COUNT, MISSING_MODEL_FILE, CORRUPT_MODEL_FILE
    }

    /** Answers every request according to its fault; with {@code null} it answers sensibly (last value). */
    static final class FaultyForecaster implements Forecaster {
        final Fault fault;

        FaultyForecaster(Fault fault) {
            this.fault = fault;
        }

        @Override
        public String version() {
            return "faulty/1";
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests) {
            if (fault == Fault.THROWS) {
                throw new IllegalStateException("native engine crashed");
            }
            List<Forecast> out = new ArrayList<>();
            for (ForecastRequest r : requests) {
                double last = r.history()[r.history().length - 1];
                double v = fault == null ? last
                        : fault == Fault.NAN ? Double.NaN
                        : fault == Fault.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY
                        : fault == Fault.NEGATIVE_INFINITY ? Double.NEGATIVE_INFINITY
                        : fault == Fault.HUGE ? 1e9 : last;
                double[] p = new double[r.horizon()];
                Arrays.fill(p, v);
                // Tight intervals: without the check the engine would trust a huge forecast.
                out.add(new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p, p.clone(), p.clone(), version(), ""));
            }
            return fault == Fault.WRONG_COUNT ? out.subList(0, out.size() - 1) : out;
        }
    }

    static final class FaultyFactory implements ForecasterFactory {
        private static final long serialVersionUID = 1L;
        final Fault fault;

        FaultyFactory(Fault fault) {
            this.fault = fault;
        }

        @Override
        public String location() {
            return "faulty-" + fault;
        }

        @Override
        public Forecaster create() {
            return new FaultyForecaster(fault);
        }
    }

    @TempDir
    Path tmp;

    private ForecasterFactory factory(Fault fault) throws Exception {
        switch (fault) {
            case MISSING_MODEL_FILE:
                // The directory is there (so the configuration check passes), its files are not.
                Path empty = Files.createDirectories(tmp.resolve("empty-model"));
                return new ModelLocationFactory(empty.toString());
            case CORRUPT_MODEL_FILE:
                Path corrupt = Files.createDirectories(tmp.resolve("corrupt-model"));
                Files.writeString(corrupt.resolve("model.json"), "{\"heads\": [ {\"name\": \"h1\", truncated");
                Files.write(corrupt.resolve("h1-0000.params"), new byte[] {1, 2, 3, 4});
                return new ModelLocationFactory(corrupt.toString());
            default:
                return new FaultyFactory(fault);
        }
    }

    private static ForecastTask task(String group, double cpu) {
        ForecastTask t = new ForecastTask();
        t.group = group;
        t.windowEnd = 1_700_000_400_000L;
        t.stepMillis = 300_000;
        t.horizon = 4;
        t.historySteps = 500;
        t.observed = new double[ResourceType.values().length];
        t.observed[ResourceType.CPU.ordinal()] = cpu;
        t.history = new double[ResourceType.values().length][];
        for (int r = 0; r < t.history.length; r++) {
            t.history[r] = new double[] {cpu * 0.9, cpu, cpu * 1.1, r == ResourceType.CPU.ordinal() ? cpu : 0};
        }
        t.covariateNames = new String[0];
        t.covariates = new double[0][];
        return t;
    }

    private static List<GroupForecast> forecasts(ForecasterFactory factory, ForecastTask... tasks) throws Exception {
        List<GroupForecast> out = new ArrayList<>();
        try (var h = new OneInputStreamOperatorTestHarness<>(new ForecastBatchOperator(factory, 1000, 10_000))) {
            h.open();
            for (ForecastTask t : tasks) {
                h.processElement(t, t.windowEnd - 1);
            }
            h.prepareSnapshotPreBarrier(1);
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> r) {
                    out.add((GroupForecast) r.getValue());
                }
            }
            ForecastBatchOperator op = (ForecastBatchOperator) h.getOneInputOperator();
            long expectedFaults = (long) tasks.length * ResourceType.values().length;
            FAULTS.set(op.modelFaults());
            assertThat(op.modelFaults()).isIn(0L, expectedFaults);
        }
        return out;
    }

    private static final ThreadLocal<Long> FAULTS = new ThreadLocal<>();

    /** The engine with the default policy, as the job runs it, deciding on one target window. */
    private static ScalingDecision decide(TargetWindow w, int current) {
        List<ResourceOutlook> outlooks = new ArrayList<>();
        for (ResourceType type : ResourceType.values()) {
            int r = type.ordinal();
            Forecast f = new Forecast("web/" + type.jsonName(), w.windowEnd, w.stepMillis, w.p10[r], w.p50[r], w.p90[r], w.model, w.note);
            outlooks.add(new ResourceOutlook(type, f, w.observed[r], w.historySteps, 0.05));
        }
        TargetState s = new TargetState();
        s.lastDesired = current;
        return new ScalingEngine(new ScalingPolicy(), Clock.fixed(Instant.ofEpochMilli(w.windowEnd), ZoneOffset.UTC))
                .decide("web", outlooks, s);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aModelFaultFallsBackToReactiveScalingWithAReasonAndAMetric(Fault fault) throws Exception {
        List<GroupForecast> out = forecasts(factory(fault), task("checkout", 5.0));

        assertThat(out).hasSize(1);
        GroupForecast g = out.get(0);
        assertThat(FAULTS.get()).isEqualTo(ResourceType.values().length);
        assertThat(g.note).contains(ForecastSanity.NOTE_PREFIX);
        assertThat(g.p50[ResourceType.CPU.ordinal()]).hasSize(4);
        assertThat(Arrays.stream(g.p50[ResourceType.CPU.ordinal()]).allMatch(Double::isNaN)).isTrue();

        TargetWindow w = new TargetWindow();
        w.add(g);
        ScalingDecision d = decide(w, 6);
        System.out.println(fault + ": " + d.desiredCapacity + " <- " + d.reason);
        assertThat(d.riskLevel).isEqualTo(RiskLevel.REACTIVE.name());
        assertThat(d.reason).contains("reactive fallback").contains(ForecastSanity.NOTE_PREFIX);
        // Target tracking on the observed 5 cores at 70 %: ceil(5 / 0.7) = 8; not 0, not 100.
        assertThat(d.desiredCapacity).isEqualTo(8);
    }

    @Test
    void oneFaultyGroupMakesItsTargetReactiveInsteadOfUnderForecastingIt() throws Exception {
        GroupForecast healthy = forecasts(new FaultyFactory(null), task("checkout", 5.0)).get(0);
        assertThat(FAULTS.get()).isZero();
        GroupForecast broken = forecasts(new FaultyFactory(Fault.NAN), task("search", 20.0)).get(0);
        TargetWindow w = new TargetWindow();
        w.add(healthy);
        w.add(broken);
        ScalingDecision d = decide(w, 30);
        // 25 cores observed in all: ceil(25 / 0.7) = 36, not a scale-in to checkout's 5 cores alone.
        assertThat(d.reason).contains("reactive fallback").contains("search: model fault");
        assertThat(d.desiredCapacity).isEqualTo(36);
    }

    @Test
    void aSaneForecastPassesUntouched() throws Exception {
        GroupForecast g = forecasts(new FaultyFactory(null), task("checkout", 5.0)).get(0);
        assertThat(FAULTS.get()).isZero();
        assertThat(g.p50[ResourceType.CPU.ordinal()]).containsOnly(5.0);
        assertThat(g.note).doesNotContain(ForecastSanity.NOTE_PREFIX);
        TargetWindow w = new TargetWindow();
        w.add(g);
        assertThat(decide(w, 6).riskLevel).isNotEqualTo(RiskLevel.REACTIVE.name());
    }
}
