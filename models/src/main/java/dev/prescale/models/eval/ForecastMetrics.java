package dev.prescale.models.eval;

/**
 * The forecast figures of EVALUATION.md: MASE, sMAPE, coverage80 and scaled pinball, computed over
 * flattened (actual, p10, p50, p90) points; points whose actual is missing (NaN) are left out.
 */
public final class ForecastMetrics {

    private static final double[] QUANTILES = {0.1, 0.5, 0.9};

    private ForecastMetrics() {}

    /** The four figures of one forecaster on one task. */
    public record Scores(double mase, double smape, double coverage80, double pinball, int points) {}

    /**
     * Mean absolute one-season difference over pairs (t, t - season) with t before {@code endExclusive}
     * and both values present: the MASE denominator.
     */
    public static double seasonalScale(double[] series, int season, int endExclusive) {
        double sum = 0;
        int n = 0;
        for (int t = season; t < Math.min(endExclusive, series.length); t++) {
            if (Double.isFinite(series[t]) && Double.isFinite(series[t - season])) {
                sum += Math.abs(series[t] - series[t - season]);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** All four figures; {@code scale} is the MASE denominator from {@link #seasonalScale}. */
    public static Scores score(double[] y, double[] p10, double[] p50, double[] p90, double scale) {
        double absErr = 0;
        double smape = 0;
        int covered = 0;
        double pin = 0;
        double absY = 0;
        int n = 0;
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                continue;
            }
            double e = Math.abs(y[i] - p50[i]);
            absErr += e;
            double denom = Math.abs(y[i]) + Math.abs(p50[i]);
            smape += denom == 0 ? 0 : 200.0 * e / denom;
            if (p10[i] <= y[i] && y[i] <= p90[i]) {
                covered++;
            }
            pin += pinball(y[i], p10[i], QUANTILES[0]) + pinball(y[i], p50[i], QUANTILES[1]) + pinball(y[i], p90[i], QUANTILES[2]);
            absY += Math.abs(y[i]);
            n++;
        }
        if (n == 0) {
            return new Scores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double meanAbsY = absY / n;
        return new Scores(
                absErr / n / scale,
                smape / n,
                100.0 * covered / n,
                (pin / (3.0 * n)) / meanAbsY,
                n);
    }

    /** Quantile loss max(q d, (q - 1) d) with d = y - f. */
    public static double pinball(double y, double f, double q) {
        double d = y - f;
        return Math.max(q * d, (q - 1) * d);
    }

    /** Median of finite values, NaN when there are none. */
    public static double median(double[] values) {
        double[] v = java.util.Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
