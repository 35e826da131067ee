package dev.prescale.models.baseline;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The honest baseline: one-day seasonal naive with empirical quantiles.
 *
 * <p>p50 for step h is the value one season (a day) before it, or further back for horizons longer
 * than a season. p10 and p90 add the 10th and 90th percentiles of the recent seasonal-naive errors
 * (over the last {@code errorWindowSeasons} seasons). With less than a season of history it
 * forecasts the last value, its band from the spread of h-step changes, and says so in the note.
 */
public final class SeasonalNaiveForecaster implements Forecaster {

    /** The version string every forecast of this class carries. */
    public static final String VERSION = "snaive/1";

    private final long seasonMillis;
    private final int errorWindowSeasons;

    /** A daily seasonal naive forecaster with errors taken from the last 2 days. */
    public SeasonalNaiveForecaster() {
        this(86_400_000L, 2);
    }

    public SeasonalNaiveForecaster(long seasonMillis, int errorWindowSeasons) {
        if (seasonMillis <= 0 || errorWindowSeasons <= 0) {
            throw new IllegalArgumentException("season and error window must be positive");
        }
        this.seasonMillis = seasonMillis;
        this.errorWindowSeasons = errorWindowSeasons;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public List<Forecast> forecast(List<ForecastRequest> requests) {
        List<Forecast> out = new ArrayList<>(requests.size());
        for (ForecastRequest r : requests) {
            out.add(forecastOne(r));
        }
        return out;
    }

    private Forecast forecastOne(ForecastRequest r) {
        double[] x = r.history();
        int n = x.length;
        int season = (int) Math.max(1, Math.round((double) seasonMillis / r.stepMillis()));
        int h = r.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        int last = lastFinite(x);
        if (last < 0) {
            // Nothing known: a zero forecast with no spread, and the note says why.
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "no history");
        }
        if (n < season + 1) {
            double lastValue = x[last];
            for (int i = 0; i < h; i++) {
                double[] q = errorQuantiles(x, i + 1, n);
                p50[i] = lastValue;
                p10[i] = Math.max(0, lastValue + q[0]);
                p90[i] = Math.max(lastValue, lastValue + q[1]);
            }
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION,
                    "history shorter than one season: last value");
        }
        double[] q = errorQuantiles(x, season, Math.min(n, season * errorWindowSeasons));
        for (int i = 0; i < h; i++) {
            int back = season * (1 + i / season);
            int idx = n + i - back;
            double v = idx >= 0 && Double.isFinite(x[idx]) ? x[idx] : x[last];
            p50[i] = v;
            p10[i] = Math.max(0, Math.min(v, v + q[0]));
            p90[i] = Math.max(v, v + q[1]);
        }
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "");
    }

    /** 10th and 90th percentiles of x[t] - x[t - lag] over the last {@code window} points. */
    private static double[] errorQuantiles(double[] x, int lag, int window) {
        int n = x.length;
        double[] d = new double[Math.max(0, window)];
        int m = 0;
        for (int t = Math.max(lag, n - window); t < n; t++) {
            if (Double.isFinite(x[t]) && Double.isFinite(x[t - lag])) {
                d[m++] = x[t] - x[t - lag];
            }
        }
        if (m == 0) {
            return new double[] {0, 0};
        }
        double[] s = Arrays.copyOf(d, m);
        Arrays.sort(s);
        return new double[] {quantile(s, 0.1), quantile(s, 0.9)};
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static int lastFinite(double[] x) {
        for (int i = x.length - 1; i >= 0; i--) {
            if (Double.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }
}
