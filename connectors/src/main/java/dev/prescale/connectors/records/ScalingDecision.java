package dev.prescale.connectors.records;

import java.util.EnumMap;
import java.util.Map;

/**
 * One scaling decision for one scaling target (an Auto Scaling group), with its inputs and a reason
 * a person can read. Published to {@code scaling-decisions}, written to the decision-log CSV, and
 * applied by the Auto Scaling sink.
 */
public class ScalingDecision {
    /** The scaling target (Auto Scaling group name). */
    public String target;
    /** When the decision takes effect (epoch ms): the end of the window it was made after. */
    public long timestamp;
    /** Desired capacity in instances. */
    public int desiredCapacity;
    /** Warm-pool size in instances. */
    public int warmPoolSize;
    /** The allocation the decision started from (instances). */
    public int currentCapacity;
    /** desiredCapacity - currentCapacity. */
    public int change;
    /** The confidence of the resource that set the capacity, in [0, 1]. */
    public double confidence;
    /** The risk level of that resource: HIGH, MEDIUM, LOW or REACTIVE. */
    public String riskLevel;
    /** {@code predictive} or {@code reactive}. */
    public String policy;
    /** The forecaster version behind the forecasts. */
    public String modelVersion;
    /** A sentence a person can read. */
    public String reason;
    /** Per resource: what it forecast and asked for. */
    public Map<ResourceType, ResourceAssessment> resources = new EnumMap<>(ResourceType.class);

    public ScalingDecision() {}

    @Override
    public String toString() {
        return "ScalingDecision{target=" + target + ", timestamp=" + timestamp + ", desired=" + desiredCapacity
                + ", warmPool=" + warmPoolSize + ", current=" + currentCapacity + ", risk=" + riskLevel
                + ", policy=" + policy + ", reason=" + reason + "}";
    }
}
