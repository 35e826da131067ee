package dev.prescale.job.forecast;

import dev.prescale.models.Forecaster;
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
     * The factory of another model location, announced on the model-updates topic: by default a
     * {@link ModelLocationFactory} ({@code snaive} or an artifact directory).
     */
    default ForecasterFactory withLocation(String location) {
        return new ModelLocationFactory(location);
    }
}
