package dev.prescale.models;

import java.util.ArrayList;
import java.util.List;

/**
 * Forecasts a demand series: p10, p50 and p90 for every step of a horizon, from history only.
 *
 * <p>Implementations must be causal (use nothing but {@link ForecastRequest#history()}) and thread
 * safe for concurrent {@link #forecast(List)} calls; the Flink operator shares one instance per
 * TaskManager and scores keys in micro-batches. The arrays of a request (history, covariates) are
 * lent for the call only: an implementation reads them, never writes into them, and keeps no
 * reference to them once the call returns (the operator reuses them for later requests).
 */
public interface Forecaster extends AutoCloseable {

    /** A name and version that every forecast carries, e.g. {@code snaive} or {@code lstm-quantile/3}. */
    String version();

    /** Forecasts a batch of series; the answer has one forecast per request, in request order. */
    List<Forecast> forecast(List<ForecastRequest> requests);

    /** Forecasts a single series. */
    default Forecast forecast(ForecastRequest request) {
        List<ForecastRequest> one = new ArrayList<>(1);
        one.add(request);
        return forecast(one).get(0);
    }

    /**
     * Whether {@link #forecast(List)} reads {@link ForecastRequest#covariates()}: when not, the job
     * neither stores nor ships the covariate series (they cost state and copies on every window).
     */
    default boolean usesCovariates() {
        return false;
    }

    @Override
    default void close() {}
}
