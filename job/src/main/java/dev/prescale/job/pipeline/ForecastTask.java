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
    /**
     * The forecaster's summaries per resource, flattened in resource order (each
     * {@code summaries.length / resources} long), or null: then {@link #history} is complete. With
     * summaries the history has its full length but may hold values only in the plan's lag ranges.
     */
    public double[] summaries;
    /** Largest absolute value of each resource's history (for the range check), or null: take it from the history. */
    public double[] maxAbs;

    public ForecastTask() {}
}
