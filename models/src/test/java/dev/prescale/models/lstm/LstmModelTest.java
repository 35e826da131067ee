package dev.prescale.models.lstm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SharedForecasters;
import dev.prescale.models.eval.EvaluationTask;
import dev.prescale.models.eval.TraceReplay;
import dev.prescale.models.trace.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains one tiny artifact on synthetic daily-periodic series and checks training, saving, loading and causality. */
class LstmModelTest {

    @TempDir
    static Path tmp;

    static Path artifact;
    static LstmTrainer.TrainedHead shortHead;

    static final LstmTrainer.Settings SMALL = new LstmTrainer.Settings(4, 32, 5e-3f, 11, 300, 0.2, 8, 16);

    /** Six days at 5 minutes: a daily wave plus noise, with a per-file level. */
    static Path syntheticCsv(Path dir, String name, double level, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("timestamp,value\n");
        long start = 1_600_000_000L;
        for (int i = 0; i < 6 * 288; i++) {
            long t = start + i * 300L;
            double v = level * (1 + 0.5 * Math.sin(2 * Math.PI * i / 288.0)) + level * 0.05 * r.nextGaussian();
            sb.append(t).append(',').append(String.format(Locale.ROOT, "%.4f", v)).append('\n');
        }
        Path f = dir.resolve(name);
        Files.writeString(f, sb.toString());
        return f;
    }

    @BeforeAll
    static void trainTinyArtifact() throws IOException {
        List<Path> files = List.of(syntheticCsv(tmp, "a.csv", 10, 1), syntheticCsv(tmp, "b.csv", 500, 2));
        artifact = LstmTrainer.train(files, 300, tmp.resolve("art"), "lstm-test", "7", SMALL,
                List.of(LstmTrainer.SHORT_LAYOUT, LstmTrainer.DAY_LAYOUT));
        LstmModelMetadata meta = LstmModelMetadata.read(artifact);
        shortHead = null;
        assertThat(meta.heads()).containsKeys(LstmForecaster.SHORT, LstmForecaster.DAY_AHEAD);
    }

    @Test
    void trainingLowersTheLoss() throws IOException {
        List<Trace> traces = TrainingData.readTraces(List.of(tmp.resolve("a.csv"), tmp.resolve("b.csv")), 300);
        LstmTrainer.TrainedHead head = LstmTrainer.trainHead(LstmTrainer.SHORT_LAYOUT,
                TrainingData.shortHeadSeries(traces, 300), SMALL, tmp.resolve("again"));
        List<Double> loss = head.trainLoss();
        assertThat(loss.get(loss.size() - 1)).isLessThan(loss.get(0) * 0.8);
        assertThat(head.validationLoss().get(head.validationLoss().size() - 1)).isLessThan(head.validationLoss().get(0));
    }

    @Test
    void savedThenLoadedInAFreshInstanceGivesIdenticalForecasts() throws IOException {
        List<ForecastRequest> requests = requests();
        List<Forecast> first;
        try (LstmForecaster a = LstmForecaster.load(artifact)) {
            first = a.forecast(requests);
        }
        try (LstmForecaster b = LstmForecaster.load(artifact)) {
            List<Forecast> second = b.forecast(requests);
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.get(i).p10()).containsExactly(first.get(i).p10());
                assertThat(second.get(i).p50()).containsExactly(first.get(i).p50());
                assertThat(second.get(i).p90()).containsExactly(first.get(i).p90());
            }
            assertThat(b.version()).isEqualTo("lstm-test/7");
        }
        assertThat(first.get(0).note()).startsWith("lstm h1 combined: ");
        try (LstmForecaster c = LstmForecaster.load(artifact)) {
            assertThat(c.networkOnly().forecast(requests).get(0).note()).isEqualTo("lstm h1");
        }
    }

    @Test
    void batchedAndOneByOneForecastsAgree() throws IOException {
        List<ForecastRequest> requests = requests();
        try (LstmForecaster f = LstmForecaster.load(artifact)) {
            List<Forecast> batch = f.forecast(requests);
            for (int i = 0; i < requests.size(); i++) {
                Forecast one = f.forecast(requests.get(i));
                for (int h = 0; h < one.horizon(); h++) {
                    assertThat(one.p50()[h]).isCloseTo(batch.get(i).p50()[h], org.assertj.core.api.Assertions.within(1e-4 * (1 + Math.abs(one.p50()[h]))));
                }
                assertThat(one.p10()[0]).isLessThanOrEqualTo(one.p50()[0]);
                assertThat(one.p50()[0]).isLessThanOrEqualTo(one.p90()[0]);
            }
        }
    }

    @Test
    void unusableInputGoesToTheSeasonalBaselineWithANote() throws IOException {
        try (LstmForecaster f = LstmForecaster.load(artifact)) {
            Forecast shortHistory = f.forecast(ForecastRequest.of("s", 1_600_000_000_000L, 300_000L, new double[] {1, 2, 3}, 12));
            assertThat(shortHistory.note()).startsWith("fallback snaive/2: history shorter than one day");
            double[] holes = new double[600];
            java.util.Arrays.fill(holes, Double.NaN);
            holes[0] = 5;
            Forecast sparse = f.forecast(ForecastRequest.of("s", 1_600_000_000_000L, 300_000L, holes, 12));
            assertThat(sparse.note()).contains("fallback").contains("missing");
            Forecast week = f.forecast(ForecastRequest.of("s", 1_600_000_000_000L, 300_000L, new double[600], 2016));
            assertThat(week.note()).contains("beyond the model");
        }
    }

    @Test
    void dayAheadRequestsUseTheHourlyHeadAndFineStepsAreResampled() throws IOException {
        try (LstmForecaster f = LstmForecaster.load(artifact)) {
            double[] hourly = new double[96];
            for (int i = 0; i < hourly.length; i++) {
                hourly[i] = 100 + 30 * Math.sin(2 * Math.PI * i / 24.0);
            }
            Forecast day = f.forecast(ForecastRequest.of("d", 1_600_041_600_000L, 3_600_000L, hourly, 24));
            assertThat(day.note()).startsWith("lstm h24");
            assertThat(day.horizon()).isEqualTo(24);
            double[] minutes = new double[2 * 1440];
            java.util.Arrays.fill(minutes, 3.0);
            Forecast fine = f.forecast(ForecastRequest.of("m", 1_600_041_600_000L, 60_000L, minutes, 60));
            assertThat(fine.note()).startsWith("lstm h1 on 300 s means");
            // five one-minute steps share one five-minute forecast
            assertThat(fine.p50()[0]).isEqualTo(fine.p50()[4]);
        }
    }

    @Test
    void tenMinuteAndOneMinuteStepsMapOntoTheFiveMinuteForecast() throws IOException {
        long origin = 1_600_041_600_000L;
        double[] five = new double[2 * 288];
        for (int i = 0; i < five.length; i++) {
            five[i] = 40 * (1 + 0.4 * Math.sin(2 * Math.PI * i / 288.0));
        }
        // the same demand at 10 minutes (pairs of equal 5-minute values) and at 1 minute
        double[] fivePairs = five.clone();
        double[] ten = new double[five.length / 2];
        for (int i = 0; i < ten.length; i++) {
            ten[i] = five[2 * i];
            fivePairs[2 * i + 1] = five[2 * i];
        }
        double[] minute = new double[five.length * 5];
        for (int i = 0; i < minute.length; i++) {
            minute[i] = five[i / 5];
        }
        try (LstmForecaster loaded = LstmForecaster.load(artifact)) {
            LstmForecaster f = loaded.networkOnly();
            Forecast at300 = f.forecast(ForecastRequest.of("a", origin, 300_000L, fivePairs, 12));
            Forecast at600 = f.forecast(ForecastRequest.of("a", origin, 600_000L, ten, 6));
            assertThat(at600.note()).isEqualTo("lstm h1 on a 300 s grid");
            for (int h = 0; h < 6; h++) {
                // ten-minute step h is five-minute steps 2h and 2h+1 (before the fix it was step h)
                assertThat(at600.p50()[h]).isCloseTo((at300.p50()[2 * h] + at300.p50()[2 * h + 1]) / 2,
                        org.assertj.core.api.Assertions.within(1e-6 * (1 + Math.abs(at600.p50()[h]))));
            }
            Forecast base = f.forecast(ForecastRequest.of("b", origin, 300_000L, five, 12));
            Forecast at60 = f.forecast(ForecastRequest.of("b", origin, 60_000L, minute, 60));
            for (int h = 0; h < 60; h++) {
                assertThat(at60.p50()[h]).isCloseTo(base.p50()[h / 5],
                        org.assertj.core.api.Assertions.within(1e-6 * (1 + Math.abs(base.p50()[h / 5]))));
            }
        }
    }

    @Test
    void translatorAndBlockShapes() {
        WindowFeaturizer f = new WindowFeaturizer(36, 12);
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = 50 + i % 10;
        }
        ModelWindow w = f.build(x, 380, 300_000L, 1_600_000_000_000L, true);
        assertThat(w.sequence()).hasSize(36 * WindowFeaturizer.SEQ_FEATURES);
        assertThat(w.statics()).hasSize(f.staticSize());
        assertThat(w.target()).hasSize(12);
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                Model model = Model.newInstance("shape", "PyTorch")) {
            NDList batch = QuantileTranslator.batch(m, List.of(w, w, w), 36);
            assertThat(batch.get(0).getShape()).isEqualTo(new Shape(3, 36, WindowFeaturizer.SEQ_FEATURES));
            assertThat(batch.get(1).getShape()).isEqualTo(new Shape(3, f.staticSize()));
            QuantileLstmBlock block = new QuantileLstmBlock(8, 16, 12);
            model.setBlock(block);
            block.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, batch.get(0).getShape(), batch.get(1).getShape());
            NDList out = block.forward(new ParameterStore(m, false), batch, false);
            assertThat(out.head().getShape()).isEqualTo(new Shape(3, 12, 3));
            assertThat(block.getOutputShapes(new Shape[] {batch.get(0).getShape(), batch.get(1).getShape()})[0])
                    .isEqualTo(new Shape(3, 12, 3));
        }
        double[][] q = QuantileTranslator.toQuantiles(new float[] {1f, 0f, 2f}, 2, 1.0, 1.0);
        // crossing fixed by sorting: 0, 1, 2, times the level 2
        assertThat(q[0][0]).isEqualTo(0.0);
        assertThat(q[1][0]).isEqualTo(2.0);
        assertThat(q[2][0]).isEqualTo(4.0);
    }

    @Test
    void forecastsAtAnOriginIgnoreValuesAfterIt() throws IOException {
        Trace trace = new dev.prescale.models.trace.TraceReader().read(tmp.resolve("a.csv"));
        EvaluationTask.Setup setup = EvaluationTask.H1.setup(trace);
        int k = 2;
        double[] changed = trace.values().clone();
        for (int i = setup.originIndex()[k]; i < changed.length; i++) {
            changed[i] = changed[i] * 5 + 100;
        }
        Trace altered = new Trace(trace.name(), trace.column(), trace.timesMillis(), changed, trace.stepMillis(), 0);
        try (LstmForecaster f = LstmForecaster.load(artifact)) {
            TraceReplay.Result a = TraceReplay.run(setup, f, "s");
            TraceReplay.Result b = TraceReplay.run(EvaluationTask.H1.setup(altered), f, "s");
            for (int o = 0; o <= k; o++) {
                assertThat(b.forecasts().get(o).p50()).containsExactly(a.forecasts().get(o).p50());
                assertThat(b.forecasts().get(o).p90()).containsExactly(a.forecasts().get(o).p90());
            }
            // and the change is visible to the first origin after it
            assertThat(b.forecasts().get(k + 1).p50()[0]).isNotEqualTo(a.forecasts().get(k + 1).p50()[0]);
        }
    }

    @Test
    void sharedForecastersLoadOncePerDirectoryAndCloseOnLastRelease() throws IOException {
        var first = SharedForecasters.acquire(artifact);
        var second = SharedForecasters.acquire(artifact.resolve(".").resolve("../7"));
        assertThat(second).isSameAs(first);
        assertThat(SharedForecasters.references(artifact)).isEqualTo(2);
        SharedForecasters.release(artifact);
        assertThat(SharedForecasters.references(artifact)).isEqualTo(1);
        SharedForecasters.release(artifact);
        assertThat(SharedForecasters.references(artifact)).isZero();
        assertThat(SharedForecasters.acquire(artifact)).isNotSameAs(first);
        SharedForecasters.release(artifact);
    }

    private static List<ForecastRequest> requests() {
        List<ForecastRequest> out = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            double[] x = new double[2 * 288];
            for (int i = 0; i < x.length; i++) {
                x[i] = (s + 1) * 20 * (1 + 0.4 * Math.sin(2 * Math.PI * (i + s * 30) / 288.0));
            }
            out.add(ForecastRequest.of("series-" + s, 1_600_000_000_000L, 300_000L, x, 12));
        }
        return out;
    }
}
