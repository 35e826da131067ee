package dev.prescale.connectors.records;

/**
 * How one resource of a target contributed to a decision: its forecast, how far it was trusted,
 * and the instances it asked for. Part of {@link ScalingDecision}.
 */
public class ResourceAssessment {
    /** Forecast demand (p50 and p90) over the decision's lead time, in the resource's unit. */
    public double forecastP50;
    public double forecastP90;
    /** The latest observed demand. */
    public double observed;
    /** Confidence score in [0, 1]. */
    public double confidence;
    /** HIGH, MEDIUM, LOW or REACTIVE (the fallback). */
    public String risk;
    /** The factor applied to the gap between forecast and current allocation. */
    public double factor;
    /** Instances this resource asks for. */
    public int instances;

    public ResourceAssessment() {}

    @Override
    public String toString() {
        return "ResourceAssessment{p50=" + forecastP50 + ", p90=" + forecastP90 + ", observed=" + observed
                + ", confidence=" + confidence + ", risk=" + risk + ", factor=" + factor + ", instances=" + instances + "}";
    }
}
