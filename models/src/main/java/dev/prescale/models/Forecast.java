package dev.prescale.models;

/**
 * A quantile forecast for one series: {@code p10[i] <= p50[i] <= p90[i]} for step {@code i + 1} of
 * the horizon, i.e. the interval {@code [origin + i * step, origin + (i + 1) * step)}.
 *
 * @param model the version of the forecaster that produced it (see {@link Forecaster#version()})
 * @param note why a fallback was taken (for instance "history shorter than one day: last value"),
 *     or empty
 */
public record Forecast(
        String seriesId,
        long originMillis,
        long stepMillis,
        double[] p10,
        double[] p50,
        double[] p90,
        String model,
        String note) {

    public Forecast {
        if (p10.length != p50.length || p50.length != p90.length) {
            throw new IllegalArgumentException("quantile arrays differ in length");
        }
        note = note == null ? "" : note;
    }

    /** Number of forecast steps. */
    public int horizon() {
        return p50.length;
    }
}
