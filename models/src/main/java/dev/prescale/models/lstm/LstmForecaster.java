package dev.prescale.models.lstm;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The DJL quantile LSTM as a {@link Forecaster}: loaded offline from an artifact directory, it routes
 * each request to a head (short horizons at the series' step, resampled to at least 5 minutes;
 * up to a day ahead on hourly means), scores every head's requests as one batch, and sends what it
 * cannot use (too little or too sparse history, a horizon beyond a day) to the seasonal baseline
 * with a note that says why.
 */
public final class LstmForecaster implements Forecaster {

    /** Key of the short-horizon head in model.json. */
    public static final String SHORT = "h1";
    /** Key of the day-ahead head in model.json. */
    public static final String DAY_AHEAD = "h24";

    private static final long HOUR = 3_600_000L;

    private final Path dir;
    private final LstmModelMetadata metadata;
    private final Map<String, Head> heads;
    private final SeasonalNaiveForecaster fallback = new SeasonalNaiveForecaster();

    private record Head(HeadSpec spec, Model model, WindowFeaturizer featurizer, QuantileTranslator translator) {}

    /** Where a request goes: the head, its grid series and how native steps map to grid steps. */
    private record Plan(String head, double[] grid, long gridMillis, int[] gridStepOfNative) {}

    private LstmForecaster(Path dir, LstmModelMetadata metadata, Map<String, Head> heads) {
        this.dir = dir;
        this.metadata = metadata;
        this.heads = heads;
    }

    /** Loads model.json and the heads' DJL parameters from {@code dir}; downloads nothing. */
    public static LstmForecaster load(Path dir) throws IOException {
        LstmModelMetadata meta = LstmModelMetadata.read(dir);
        Map<String, Head> heads = new java.util.LinkedHashMap<>();
        try {
            for (Map.Entry<String, HeadSpec> e : meta.heads().entrySet()) {
                HeadSpec s = e.getValue();
                Model model = Model.newInstance(s.paramsName(), Device.cpu(), "PyTorch");
                model.setBlock(new QuantileLstmBlock(s.stateSize(), s.hiddenSize(), s.horizon()));
                model.load(dir, s.paramsName());
                heads.put(e.getKey(), new Head(s, model, new WindowFeaturizer(s.context(), s.horizon()),
                        new QuantileTranslator(s.context(), s.lowerWidening(), s.upperWidening())));
            }
        } catch (MalformedModelException e) {
            heads.values().forEach(h -> h.model().close());
            throw new IOException("cannot load model parameters from " + dir + ": " + e.getMessage(), e);
        }
        return new LstmForecaster(dir, meta, heads);
    }

    /** The artifact directory it was loaded from. */
    public Path directory() {
        return dir;
    }

    /** The model.json it was loaded with. */
    public LstmModelMetadata metadata() {
        return metadata;
    }

    @Override
    public String version() {
        return metadata.versionString();
    }

    @Override
    public List<Forecast> forecast(List<ForecastRequest> requests) {
        Forecast[] out = new Forecast[requests.size()];
        Map<String, List<Integer>> byHead = new java.util.HashMap<>();
        Map<String, List<ModelWindow>> windows = new java.util.HashMap<>();
        Plan[] plans = new Plan[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            ForecastRequest r = requests.get(i);
            String why = planOrReason(r, plans, i);
            if (why != null) {
                out[i] = fallback(r, why);
                continue;
            }
            Plan p = plans[i];
            Head head = heads.get(p.head());
            windows.computeIfAbsent(p.head(), k -> new ArrayList<>())
                    .add(head.featurizer().build(p.grid(), p.grid().length, p.gridMillis(), r.originMillis(), false));
            byHead.computeIfAbsent(p.head(), k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<String, List<Integer>> e : byHead.entrySet()) {
            Head head = heads.get(e.getKey());
            List<double[][]> q = predict(head, windows.get(e.getKey()));
            List<Integer> idx = e.getValue();
            for (int j = 0; j < idx.size(); j++) {
                int i = idx.get(j);
                out[i] = toForecast(requests.get(i), plans[i], q.get(j));
            }
        }
        return List.of(out);
    }

    private List<double[][]> predict(Head head, List<ModelWindow> windows) {
        // A predictor per call keeps concurrent forecast() calls safe; the model itself is shared.
        try (Predictor<ModelWindow, double[][]> predictor = head.model().newPredictor(head.translator())) {
            return predictor.batchPredict(windows);
        } catch (TranslateException e) {
            throw new IllegalStateException("LSTM inference failed: " + e.getMessage(), e);
        }
    }

    /** Fills {@code plans[i]} and returns null, or returns why the request goes to the baseline. */
    private String planOrReason(ForecastRequest r, Plan[] plans, int i) {
        long step = r.stepMillis();
        long span = step * r.horizon();
        Head shortHead = heads.get(SHORT);
        Head dayHead = heads.get(DAY_AHEAD);
        Plan plan = null;
        if (shortHead != null && step < HOUR) {
            long grid = Math.max(step, shortHead.spec().gridSeconds() * 1000L);
            if (span <= grid * shortHead.spec().horizon()) {
                plan = plan(SHORT, r, grid);
            }
        }
        if (plan == null && dayHead != null && step <= HOUR && HOUR % step == 0 && span <= HOUR * dayHead.spec().horizon()) {
            plan = plan(DAY_AHEAD, r, HOUR);
        }
        if (plan == null) {
            return "horizon or step beyond the model";
        }
        int season = WindowFeaturizer.season(plan.gridMillis());
        double[] g = plan.grid();
        if (g.length < season + 1) {
            return "history shorter than one day";
        }
        int present = 0;
        for (int t = g.length - season; t < g.length; t++) {
            if (Double.isFinite(g[t])) {
                present++;
            }
        }
        if (present < season / 2) {
            return "more than half of the last day missing";
        }
        if (!Double.isFinite(g[g.length - 1]) && !Double.isFinite(g[g.length - 2])) {
            return "last values missing";
        }
        plans[i] = plan;
        return null;
    }

    private static Plan plan(String head, ForecastRequest r, long gridMillis) {
        long step = r.stepMillis();
        double[] grid = gridMillis == step ? r.history()
                : SeriesResampler.toOriginAlignedGrid(r.history(), step, gridMillis);
        int[] map = new int[r.horizon()];
        for (int h = 0; h < map.length; h++) {
            map[h] = (int) ((h * step) / gridMillis);
        }
        return new Plan(head, grid, gridMillis, map);
    }

    private Forecast toForecast(ForecastRequest r, Plan p, double[][] q) {
        int h = r.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        boolean nonNegative = allNonNegative(r.history());
        for (int i = 0; i < h; i++) {
            int g = p.gridStepOfNative()[i];
            p10[i] = q[0][g];
            p50[i] = q[1][g];
            p90[i] = q[2][g];
            if (nonNegative) {
                // Demand cannot go below zero; a negative quantile is only the network's extrapolation.
                p10[i] = Math.max(0, p10[i]);
                p50[i] = Math.max(0, p50[i]);
                p90[i] = Math.max(0, p90[i]);
            }
        }
        String note = p.gridMillis() == r.stepMillis() ? "lstm " + p.head()
                : "lstm " + p.head() + " on " + (p.gridMillis() / 1000) + " s means";
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, version(), note);
    }

    private Forecast fallback(ForecastRequest r, String why) {
        Forecast f = fallback.forecast(r);
        String note = "fallback " + SeasonalNaiveForecaster.VERSION + ": " + why + (f.note().isEmpty() ? "" : "; " + f.note());
        return new Forecast(f.seriesId(), f.originMillis(), f.stepMillis(), f.p10(), f.p50(), f.p90(), f.model(), note);
    }

    private static boolean allNonNegative(double[] x) {
        for (double v : x) {
            if (v < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        heads.values().forEach(h -> h.model().close());
    }

    /** Unchecked variant of {@link #load(Path)} for lambdas. */
    static LstmForecaster loadUnchecked(Path dir) {
        try {
            return load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
