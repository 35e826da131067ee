package dev.prescale.models.baseline;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last-value reference forecaster: p50 is the last known value for every step; p10 and p90 add
 * the 10th and 90th percentiles of the h-step changes over the last day of history.
 */
public final class NaiveForecaster implements Forecaster {

    /** The version string every forecast of this class carries. */
    public static final String VERSION = "naive/1";

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

    private static Forecast forecastOne(ForecastRequest r) {
        double[] x = r.history();
        int h = r.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        int last = x.length - 1;
        while (last >= 0 && !Double.isFinite(x[last])) {
            last--;
        }
        if (last < 0) {
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "no history");
        }
        int window = (int) Math.max(2, Math.round(86_400_000.0 / r.stepMillis()));
        for (int i = 0; i < h; i++) {
            int lag = i + 1;
            double[] d = new double[window];
            int m = 0;
            for (int t = Math.max(lag, x.length - window); t < x.length; t++) {
                if (Double.isFinite(x[t]) && Double.isFinite(x[t - lag])) {
                    d[m++] = x[t] - x[t - lag];
                }
            }
            double v = x[last];
            p50[i] = v;
            if (m > 0) {
                double[] s = Arrays.copyOf(d, m);
                Arrays.sort(s);
                p10[i] = Math.min(v, v + SeasonalNaiveForecaster.quantile(s, 0.1));
                p90[i] = Math.max(v, v + SeasonalNaiveForecaster.quantile(s, 0.9));
            } else {
                p10[i] = v;
                p90[i] = v;
            }
        }
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "");
    }
}
