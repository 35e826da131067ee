package dev.prescale.job.pipeline;

/**
 * Recent forecast error of one series: exponentially weighted mean of |actual - p50| divided by
 * the equally weighted mean |actual|, so 0.1 means 10 %. A Flink POJO for keyed state.
 */
public class ErrorTracker {
    /** Weight of the newest error: about the last 12 comparisons matter. */
    public static final double ALPHA = 2.0 / 13.0;

    public double meanAbsError;
    public double meanAbsActual;
    public int samples;

    public ErrorTracker() {}

    public void add(double actual, double forecast) {
        if (!Double.isFinite(actual) || !Double.isFinite(forecast)) {
            return;
        }
        double e = Math.abs(actual - forecast);
        double a = Math.abs(actual);
        if (samples == 0) {
            meanAbsError = e;
            meanAbsActual = a;
        } else {
            meanAbsError += ALPHA * (e - meanAbsError);
            meanAbsActual += ALPHA * (a - meanAbsActual);
        }
        samples++;
    }

    /** The relative error, or NaN while nothing was compared. */
    public double relativeError() {
        if (samples == 0) {
            return Double.NaN;
        }
        if (meanAbsActual <= 0) {
            return meanAbsError <= 0 ? 0 : 1;
        }
        return meanAbsError / meanAbsActual;
    }
}
