package dev.prescale.job.forecast;

/**
 * A control record on {@code kafka.modelUpdatesTopic}: the forecast operator is to switch to the
 * model at {@code location} (a directory with a trained artifact, or {@code snaive}); when
 * {@code version} is set, the loaded model must report it, else the swap is refused. A Flink POJO.
 */
public class ModelUpdate {
    public String location;
    /** The expected {@code Forecaster.version()} (e.g. {@code lstm-quantile/2}), or null for any. */
    public String version;

    public ModelUpdate() {}

    public ModelUpdate(String location, String version) {
        this.location = location;
        this.version = version;
    }

    @Override
    public String toString() {
        return "ModelUpdate{location=" + location + ", version=" + version + "}";
    }
}
