package dev.prescale.job.scaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prescale.job.config.ConfigException;
import java.io.Serializable;

/**
 * One magnitude band of step scaling: when the gap between forecast and current allocation is at
 * least {@code lowerBound} of the current allocation, the weighted change is multiplied by
 * {@code adjustment} (the larger the gap, the larger the step).
 */
public class StepBand implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Gap relative to the current allocation from which this band applies (0.25 = 25 %). */
    @JsonProperty public double lowerBound;
    /** Multiplier of the weighted change inside this band (1.0 = the change as is). */
    @JsonProperty public double adjustment = 1.0;

    public StepBand() {}

    public StepBand(double lowerBound, double adjustment) {
        this.lowerBound = lowerBound;
        this.adjustment = adjustment;
    }

    /** Throws a {@link ConfigException} naming {@code keyPrefix.lowerBound} or {@code .adjustment}. */
    public void validate(String keyPrefix) {
        if (!(lowerBound >= 0) || !Double.isFinite(lowerBound)) {
            throw new ConfigException(keyPrefix + ".lowerBound", lowerBound, "a finite number >= 0");
        }
        if (!(adjustment >= 1.0) || adjustment > 10 || !Double.isFinite(adjustment)) {
            throw new ConfigException(keyPrefix + ".adjustment", adjustment, "a number in [1, 10]");
        }
    }

    @Override
    public String toString() {
        return "StepBand{lowerBound=" + lowerBound + ", adjustment=" + adjustment + "}";
    }
}
