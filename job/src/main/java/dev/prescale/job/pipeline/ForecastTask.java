package dev.prescale.job.pipeline;

/**
 * What one group needs forecast after a window closed: the history of each resource (index
 * {@link dev.prescale.connectors.records.ResourceType#ordinal()}) and the covariates.
 */
public class ForecastTask {
    public String group;
    /** The forecast origin: the end of the window just closed. */
    public long windowEnd;
    public long stepMillis;
    public int horizon;
    public int historySteps;
    /** Demand in the window just closed, per resource. */
    public double[] observed;
    /** history[resource] oldest first, the last value for the window just closed. */
    public double[][] history;
    public String[] covariateNames;
    public double[][] covariates;

    public ForecastTask() {}
}
