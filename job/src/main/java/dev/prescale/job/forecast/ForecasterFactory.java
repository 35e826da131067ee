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
     * The factory of another model location, announced on the model-updates topic: by default a
     * {@link ModelLocationFactory} ({@code snaive} or an artifact directory).
     */
    default ForecasterFactory withLocation(String location) {
        return new ModelLocationFactory(location);
    }
}
