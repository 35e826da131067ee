package dev.prescale.models;

import java.util.Map;

/**
 * What a forecaster may see: the history of one series before {@code originMillis}, its step, and
 * how many steps to forecast.
 *
 * @param seriesId a stable id (group and resource), for logging and per-series error tracking
 * @param originMillis the start of the first forecast step (epoch ms); history ends right before it
 * @param stepMillis the series' sampling interval
 * @param history values oldest first, the last one for the step {@code [origin - step, origin)};
 *     {@code NaN} marks a missing value
 * @param horizon how many steps to forecast
 * @param covariates optional aligned series (same length as history), such as counts per
 *     interaction kind; never null, may be empty
 */
public record ForecastRequest(
        String seriesId,
        long originMillis,
        long stepMillis,
        double[] history,
        int horizon,
        Map<String, double[]> covariates) {

    public ForecastRequest {
        if (stepMillis <= 0) {
            throw new IllegalArgumentException("stepMillis must be positive: " + stepMillis);
        }
        if (horizon <= 0) {
            throw new IllegalArgumentException("horizon must be positive: " + horizon);
        }
        if (history == null) {
            throw new IllegalArgumentException("history must not be null");
        }
        covariates = covariates == null ? Map.of() : covariates;
    }

    /** A request without covariates. */
    public static ForecastRequest of(
            String seriesId, long originMillis, long stepMillis, double[] history, int horizon) {
        return new ForecastRequest(seriesId, originMillis, stepMillis, history, horizon, Map.of());
    }
}
