package dev.prescale.models;

import java.util.List;

/**
 * A forecaster that can answer from a per-series summary (see {@link SummaryPlan}) plus the values
 * in the plan's lag ranges, so that a streaming job need not reread long histories on every step.
 * Its plain {@link #forecast(List)} must equal "summarize, then forecast from the summary" for
 * histories of at least {@link SummaryPlan#minHistorySteps()} steps, so that offline evaluation and
 * the job compute the same forecasts.
 */
public interface SummarizingForecaster extends Forecaster {

    /** The plan for a step and horizon, or null when summaries do not apply to them. */
    SummaryPlan summaryPlan(long stepMillis, int horizon);

    /**
     * Forecasts from summaries: {@code summaries.get(i)} was made by the plan of the request's step
     * and horizon for a request with the same {@link SummaryPlan#summaryKey}; each history has its
     * full length but needs values only inside the plan's lag ranges (NaN elsewhere).
     */
    List<Forecast> forecast(List<ForecastRequest> requests, List<double[]> summaries);
}
