package dev.prescale.job.forecast;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import java.util.Arrays;
import java.util.Locale;

/**
 * Checks a model's answer against the request it answers: the requested horizon, finite quantiles,
 * and values within a wide band around the range of the history. A forecast that fails is replaced
 * by an unusable one (NaN quantiles, a note saying why), which the engine turns into the reactive
 * fallback: a broken model must neither scale a target to zero nor to its maximum.
 */
public final class ForecastSanity {

    /** How far beyond the largest absolute value of the history a forecast may go (10 times). */
    public static final double RANGE_FACTOR = 10.0;
    /** Added to that limit, so that a series that has been zero may still forecast a little demand. */
    public static final double RANGE_SLACK = 1.0;
    /** The prefix of every note of an unusable forecast. */
    public static final String NOTE_PREFIX = "model fault";

    private ForecastSanity() {}

    /** Why the forecast cannot be used for the request, or null when it can. */
    public static String fault(ForecastRequest r, Forecast f) {
        return fault(r, f, maxAbs(r.history()));
    }

    /**
     * Why the forecast cannot be used, with the history's largest absolute value given: a request
     * with a sparse history (a forecast from a summary) carries it instead of the values.
     */
    public static String fault(ForecastRequest r, Forecast f, double historyMaxAbs) {
        if (f == null) {
            return "no forecast returned";
        }
        if (f.horizon() != r.horizon()) {
            return "horizon " + f.horizon() + " instead of " + r.horizon();
        }
        double limit = RANGE_FACTOR * historyMaxAbs + RANGE_SLACK;
        String[] names = {"p10", "p50", "p90"};
        double[][] quantiles = {f.p10(), f.p50(), f.p90()};
        for (int q = 0; q < quantiles.length; q++) {
            for (int i = 0; i < quantiles[q].length; i++) {
                double v = quantiles[q][i];
                if (!Double.isFinite(v)) {
                    return names[q] + " is " + v + " at step " + i;
                }
                if (Math.abs(v) > limit) {
                    return String.format(Locale.ROOT, "%s %.4g at step %d is outside the history's range (limit %.4g)",
                            names[q], v, i, limit);
                }
            }
        }
        return null;
    }

    /** A forecast the engine cannot use (NaN quantiles), whose note says why. */
    public static Forecast unusable(ForecastRequest r, String model, String reason) {
        double[] nan = new double[r.horizon()];
        Arrays.fill(nan, Double.NaN);
        String type = r.seriesId().substring(r.seriesId().lastIndexOf('/') + 1);
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), nan, nan.clone(), nan.clone(), model,
                NOTE_PREFIX + " (" + type + "): " + reason);
    }

    private static double maxAbs(double[] history) {
        double m = 0;
        for (double v : history) {
            if (Double.isFinite(v)) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }
}
