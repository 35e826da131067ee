package dev.prescale.job.pipeline;

import java.util.Arrays;

/**
 * What one group needs forecast after a window closed: the history of each resource (index
 * {@link dev.prescale.connectors.records.ResourceType#ordinal()}) and the covariates, complete or
 * (for a forecast from summaries) only the few windows the forecaster reads.
 */
public class ForecastTask {
    public String group;
    /** The forecast origin: the end of the window just closed. */
    public long windowEnd;
    public long stepMillis;
    public int horizon;
    /** How many windows of history the forecaster sees: the length of each full series. */
    public int historySteps;
    /** Demand in the window just closed, per resource (also when lag 1 is not among {@link #lagRanges}). */
    public double[] observed;
    /**
     * history[resource]: with {@link #lagRanges} null, the full series, oldest first, the last value
     * for the window just closed ({@link #historySteps} long). With lag ranges, only their values
     * (see there); use {@link #fullHistory} for the full series.
     */
    public double[][] history;
    public String[] covariateNames;
    /** Aligned with {@link #history}: full series, or only the values of the lag ranges. */
    public double[][] covariates;
    /**
     * Null: {@link #history} and {@link #covariates} are complete. Otherwise (only with
     * {@link #summaries}) the sparse form ({@link LagRanges}): inclusive pairs {@code [from, to]} of
     * lags, 1 = the window just closed and {@code historySteps} the oldest, each pair within
     * {@code [1, historySteps]} with {@code from <= to}, in the order the summary plan gave them.
     * Every series then holds only the values at those lags, range after range in this order, each
     * range oldest first (lag {@code to} down to lag {@code from}): {@code sum(to - from + 1)}
     * values; the full series the forecaster sees is NaN elsewhere. Overlapping ranges repeat the
     * value of a lag they share.
     */
    public int[] lagRanges;
    /**
     * The forecaster's summaries per resource, flattened in resource order (each
     * {@code summaries.length / resources} long), or null. A task with summaries is complete (the
     * window that made them) or sparse ({@link #lagRanges}).
     */
    public double[] summaries;
    /** Largest absolute value of each resource's history (for the range check), or null: take it from the history. */
    public double[] maxAbs;

    public ForecastTask() {}

    /** Whether the series hold only the values of {@link #lagRanges}. */
    public boolean sparse() {
        return lagRanges != null;
    }

    /** Resource {@code r}'s full history, {@link #historySteps} long, NaN outside the lag ranges of a sparse task (a new array). */
    public double[] fullHistory(int r) {
        return full(history[r]);
    }

    /** Covariate {@code k}'s full series, as {@link #fullHistory} (a new array). */
    public double[] fullCovariate(int k) {
        return full(covariates[k]);
    }

    private double[] full(double[] series) {
        if (lagRanges == null) {
            return series.clone();
        }
        double[] out = new double[historySteps];
        Arrays.fill(out, Double.NaN);
        LagRanges.expandInto(series, lagRanges, out);
        return out;
    }
}
