package dev.prescale.job.forecast;

import dev.prescale.models.Forecaster;
import dev.prescale.models.SummarizingForecaster;
import dev.prescale.models.SummaryPlan;
import java.io.Serializable;

/**
 * How an operator obtains its {@link Forecaster} on the TaskManager: serializable, so only the
 * model location travels in the job graph, never the model.
 */
public interface ForecasterFactory extends Serializable {

    /** A stable key for sharing: factories with the same location share one forecaster per JVM. */
    String location();

    /** Creates (loads) the forecaster; called once per location and TaskManager. */
    Forecaster create() throws Exception;

    /**
     * Whether the forecaster reads covariates ({@link Forecaster#usesCovariates()}), asked at job
     * build time so that the history operator stores them only when needed. By default it creates
     * a forecaster, asks it and closes it; factories that can tell without loading a model override.
     * A forecaster that cannot be created here counts as using them (store and ship everything).
     */
    default boolean usesCovariates() {
        try (Forecaster f = create()) {
            return f.usesCovariates();
        } catch (Exception e) {
            return true;
        }
    }

    /**
     * The forecaster's summary plan for a step and horizon ({@link SummarizingForecaster#summaryPlan}),
     * or null (it does not summarize: the job reads full histories), asked at job build time like
     * {@link #usesCovariates()}: by default it creates a forecaster, asks it and closes it. A
     * forecaster that cannot be created here gets none.
     */
    default SummaryPlan summaryPlan(long stepMillis, int horizon) {
        try (Forecaster f = create()) {
            return f instanceof SummarizingForecaster s ? s.summaryPlan(stepMillis, horizon) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The factory of another model location, announced on the model-updates topic: by default a
     * {@link ModelLocationFactory} ({@code snaive} or an artifact directory).
     */
    default ForecasterFactory withLocation(String location) {
        return new ModelLocationFactory(location);
    }
}
