package dev.prescale.job.scaling;

/**
 * What the {@link DemandCalibrator} remembers for one resource of a target between decisions:
 * recent values, recent point forecasts and desired capacities (to score them once the values
 * arrive), windows of scores and the adaptive miss level. A Flink POJO inside {@link TargetState}.
 */
public class CalibratorState {
    /** Decision time of the last update (epoch ms), or {@code Long.MIN_VALUE} before the first. */
    public long lastMillis = Long.MIN_VALUE;
    /** The adaptive miss level alpha (the quantile used is 1 - alpha), NaN before the first update. */
    public double alpha = Double.NaN;
    /** Exponentially weighted level of the observed demand, NaN before the first value. */
    public double level = Double.NaN;
    /** Slow exponentially weighted mean of |demand|: the scale that keeps ratios finite near zero. */
    public double scale = Double.NaN;
    /** The forecaster's p50 for the step after the last decision, to measure its bias once observed. */
    public double lastForecastNext = Double.NaN;
    /** Exponentially weighted bias of the forecaster's one-step p50 (observed minus forecast). */
    public double forecastBias;
    /** Exponentially weighted mean absolute step-to-step change: the local volatility that scales scores. */
    public double volatility = Double.NaN;
    /** The volatility when each of {@link #recentPoints} was made, newest last. */
    public double[] recentVolatility = new double[0];
    /** The latest observed values, newest last. */
    public double[] recentValues = new double[0];
    /** The point forecasts of the latest decisions, newest last. */
    public double[] recentPoints = new double[0];
    /** The ingredients (last value, level, forecaster p50) of the latest point forecasts, three per decision, newest last. */
    public double[] recentIngredients = new double[0];
    /** Per ingredient, the exponentially weighted mean of its log peak-to-forecast error (empty before the first). */
    public double[] ingredientErrorMean = new double[0];
    /** Per ingredient, the exponentially weighted mean of the squared log error. */
    public double[] ingredientErrorSquare = new double[0];
    /** The desired capacities of the latest decisions, newest last. */
    public int[] recentDesired = new int[0];
    /** Ring of scores of the near horizon (the steps the desired capacity covers). */
    public double[] nearScores = new double[0];
    public int nearCount;
    public int nearNext;
    /** Ring of scores of the far horizon (the steps the warm pool covers). */
    public double[] farScores = new double[0];
    public int farCount;
    public int farNext;
    /** The regime (1 rising, 0 not) when each of {@link #recentPoints} was made, newest last. */
    public int[] recentRegimes = new int[0];
    /** The regime of each entry of {@link #nearScores}. */
    public int[] nearTags = new int[0];
    /** The regime of each entry of {@link #farScores}. */
    public int[] farTags = new int[0];
    /** Steps scored for a miss, and of those the misses (for the decision reason and tests). */
    public long scoredSteps;
    public long missedSteps;

    public CalibratorState() {}
}
