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
import dev.prescale.models.combine.BacktestCombiner;
import dev.prescale.models.combine.CombinationSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DJL quantile LSTM as a {@link Forecaster}: loaded offline from an artifact directory, it routes
 * each request to a head (short horizons on a 5- or 30-minute grid, the request's history resampled
 * to it and the forecast resampled back to the request's step; up to a day ahead on hourly means),
 * scores every head's windows as one batch, and sends what it cannot use (too little or too sparse
 * history, a horizon beyond a day) to the seasonal baseline with a note that says why.
 *
 * <p>When model.json has a {@code combination}, each forecast is the network combined with robust
 * statistical candidates, weighted by their errors at backtest origins inside the request's own
 * history ({@link BacktestCombiner}); the network is then also run at those origins.
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
    private final BacktestCombiner combiner;
    private final boolean ownsModels;
    private final SeasonalNaiveForecaster fallback = new SeasonalNaiveForecaster();

    private record Head(HeadSpec spec, Model model, WindowFeaturizer featurizer, QuantileTranslator translator) {}

    /** Where a request goes: the head, its grid series, grid step and how many grid steps cover the horizon. */
    private record Plan(String head, double[] grid, long gridMillis, int gridHorizon) {}

    private LstmForecaster(Path dir, LstmModelMetadata metadata, Map<String, Head> heads, boolean ownsModels) {
        this.dir = dir;
        this.metadata = metadata;
        this.heads = heads;
        this.ownsModels = ownsModels;
        this.combiner = metadata.combination() == null ? null : new BacktestCombiner(metadata.combination());
    }

    /** Loads model.json and the heads' DJL parameters from {@code dir}; downloads nothing. */
    public static LstmForecaster load(Path dir) throws IOException {
        LstmModelMetadata meta = LstmModelMetadata.read(dir);
        Map<String, Head> heads = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, HeadSpec> e : meta.heads().entrySet()) {
                HeadSpec s = e.getValue();
                Model model = Model.newInstance(s.paramsName(), Device.cpu(), "PyTorch");
                model.setBlock(new QuantileLstmBlock(s.stateSize(), s.hiddenSize(), s.horizon()));
                model.load(dir, s.paramsName());
                WindowFeaturizer.Normalization norm = WindowFeaturizer.Normalization.of(
                        s.training() == null ? null : s.training().get("normalization"));
                heads.put(e.getKey(), new Head(s, model, new WindowFeaturizer(s.context(), s.horizon(), norm),
                        new QuantileTranslator(s.context(), s.lowerWidening(), s.upperWidening())));
            }
        } catch (MalformedModelException e) {
            heads.values().forEach(h -> h.model().close());
            throw new IOException("cannot load model parameters from " + dir + ": " + e.getMessage(), e);
        }
        return new LstmForecaster(dir, meta, heads, true);
    }

    /**
     * A view on the same loaded networks with another combination setting (null: the network alone).
     * Closing the view frees nothing; the loaded forecaster keeps owning the networks.
     */
    public LstmForecaster withCombination(CombinationSpec combination) {
        return new LstmForecaster(dir, metadata.withCombination(combination), heads, false);
    }

    /** The network alone, without the statistical candidates (a view, as {@link #withCombination}). */
    public LstmForecaster networkOnly() {
        return withCombination(null);
    }

    /** The artifact directory it was loaded from. */
    public Path directory() {
        return dir;
    }

    /** The model.json it was loaded with (with this view's combination). */
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
        Plan[] plans = new Plan[requests.size()];
        int[][] ends = new int[requests.size()][];
        // Per head: the windows to score, and which (request, end) each one belongs to.
        Map<String, List<ModelWindow>> windows = new HashMap<>();
        Map<String, List<int[]>> owners = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            ForecastRequest r = requests.get(i);
            String why = planOrReason(r, plans, i);
            if (why != null) {
                out[i] = fallback(r, why);
                continue;
            }
            Plan p = plans[i];
            Head head = heads.get(p.head());
            int n = p.grid().length;
            int season = WindowFeaturizer.season(p.gridMillis());
            int[] back = combiner == null ? new int[0] : BacktestCombiner.backtestEnds(n, p.gridHorizon(), season,
                    SHORT.equals(p.head()) ? combiner.spec().shortBacktests() : combiner.spec().dayBacktests(),
                    SHORT.equals(p.head()) ? combiner.spec().shortStride() : combiner.spec().dayStride());
            ends[i] = new int[back.length + 1];
            ends[i][0] = n;
            System.arraycopy(back, 0, ends[i], 1, back.length);
            for (int e : ends[i]) {
                if (!Double.isFinite(WindowFeaturizer.level(p.grid(), e, season))) {
                    continue; // a backtest origin with an empty day before it: the network sits that one out
                }
                long origin = r.originMillis() - (long) (n - e) * p.gridMillis();
                windows.computeIfAbsent(p.head(), k -> new ArrayList<>())
                        .add(head.featurizer().build(p.grid(), e, p.gridMillis(), origin, false));
                owners.computeIfAbsent(p.head(), k -> new ArrayList<>()).add(new int[] {i, e});
            }
        }
        List<Map<Integer, double[][]>> network = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            network.add(new HashMap<>());
        }
        for (Map.Entry<String, List<ModelWindow>> e : windows.entrySet()) {
            List<double[][]> q = predict(heads.get(e.getKey()), e.getValue());
            List<int[]> own = owners.get(e.getKey());
            for (int j = 0; j < q.size(); j++) {
                network.get(own.get(j)[0]).put(own.get(j)[1], q.get(j));
            }
        }
        for (int i = 0; i < requests.size(); i++) {
            if (out[i] == null) {
                out[i] = toForecast(requests.get(i), plans[i], network.get(i));
            }
        }
        return List.of(out);
    }

    private List<double[][]> predict(Head head, List<ModelWindow> windows) {
        // A predictor per call keeps concurrent forecast() calls safe; the model itself is shared.
        try (Predictor<ModelWindow, double[][]> predictor = head.model().newPredictor(head.translator())) {
            List<double[][]> out = new ArrayList<>(windows.size());
            for (int from = 0; from < windows.size(); from += 2048) {
                out.addAll(predictor.batchPredict(windows.subList(from, Math.min(windows.size(), from + 2048))));
            }
            return out;
        } catch (TranslateException e) {
            throw new IllegalStateException("LSTM inference failed: " + e.getMessage(), e);
        }
    }

    /** Fills {@code plans[i]} and returns null, or returns why the request goes to the baseline. */
    private String planOrReason(ForecastRequest r, Plan[] plans, int i) {
        long step = r.stepMillis();
        Head shortHead = heads.get(SHORT);
        Head dayHead = heads.get(DAY_AHEAD);
        Plan plan = null;
        if (shortHead != null && step < HOUR) {
            long grid = shortGrid(step, r.horizon(), shortHead.spec());
            if (grid > 0) {
                plan = plan(SHORT, r, grid);
            }
        }
        if (plan == null && dayHead != null && step <= HOUR
                && SeriesResampler.gridHorizon(r.horizon(), step, HOUR) <= dayHead.spec().horizon()) {
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

    /**
     * The short head's grid for a request, or 0 when its horizon does not fit: the coarsest grid the
     * head was trained on (its step, or {@link TrainingData#COARSE_FACTOR} times it) that is not
     * coarser than the request's step and covers the horizon; else the finest coarser one that does.
     */
    static long shortGrid(long stepMillis, int horizon, HeadSpec spec) {
        long fine = spec.gridSeconds() * 1000L;
        long[] grids = {fine * TrainingData.COARSE_FACTOR, fine};
        for (long g : grids) {
            if (g <= Math.max(stepMillis, fine) && SeriesResampler.gridHorizon(horizon, stepMillis, g) <= spec.horizon()) {
                return g;
            }
        }
        for (int k = grids.length - 1; k >= 0; k--) {
            long g = grids[k];
            if (g > stepMillis && SeriesResampler.gridHorizon(horizon, stepMillis, g) <= spec.horizon()) {
                return g;
            }
        }
        return 0;
    }

    private static Plan plan(String head, ForecastRequest r, long gridMillis) {
        long step = r.stepMillis();
        double[] grid = gridMillis == step ? r.history()
                : SeriesResampler.toOriginAlignedGrid(r.history(), step, gridMillis);
        return new Plan(head, grid, gridMillis, SeriesResampler.gridHorizon(r.horizon(), step, gridMillis));
    }

    private Forecast toForecast(ForecastRequest r, Plan p, Map<Integer, double[][]> network) {
        int n = p.grid().length;
        int hg = p.gridHorizon();
        double[][] q;
        String how = "";
        if (combiner == null) {
            q = network.get(n);
        } else {
            int season = WindowFeaturizer.season(p.gridMillis());
            int[] back = BacktestCombiner.backtestEnds(n, hg, season,
                    SHORT.equals(p.head()) ? combiner.spec().shortBacktests() : combiner.spec().dayBacktests(),
                    SHORT.equals(p.head()) ? combiner.spec().shortStride() : combiner.spec().dayStride());
            BacktestCombiner.Combined c = combiner.combine(p.grid(), n, hg, season, back, network::get);
            q = new double[][] {c.p10(), c.p50(), c.p90()};
            how = " combined: " + c.describe();
        }
        int h = r.horizon();
        double[] p10 = SeriesResampler.gridToSteps(Arrays.copyOf(q[0], hg), p.gridMillis(), r.stepMillis(), h);
        double[] p50 = SeriesResampler.gridToSteps(Arrays.copyOf(q[1], hg), p.gridMillis(), r.stepMillis(), h);
        double[] p90 = SeriesResampler.gridToSteps(Arrays.copyOf(q[2], hg), p.gridMillis(), r.stepMillis(), h);
        if (allNonNegative(r.history())) {
            // Demand cannot go below zero; a negative quantile is only an extrapolation.
            for (int i = 0; i < h; i++) {
                p10[i] = Math.max(0, p10[i]);
                p50[i] = Math.max(0, p50[i]);
                p90[i] = Math.max(0, p90[i]);
            }
        }
        String grid = p.gridMillis() == r.stepMillis() ? ""
                : p.gridMillis() > r.stepMillis() ? " on " + (p.gridMillis() / 1000) + " s means"
                : " on a " + (p.gridMillis() / 1000) + " s grid";
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, version(),
                "lstm " + p.head() + grid + how);
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
        if (ownsModels) {
            heads.values().forEach(h -> h.model().close());
        }
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
