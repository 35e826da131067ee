package dev.prescale.models.baseline;

import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummaryPlan;

/**
 * The summary plan of {@link SeasonalNaiveForecaster} for one step and horizon: per series the
 * summary is {q10, q90, last known value} of the history before the origin's period; a forecast
 * from it reads the values one season before each horizon step and those inside the origin's period.
 *
 * @param stepMillis the step the plan is for
 * @param horizon the horizon the plan is for
 * @param periodMillis how long a summary serves (a multiple of the step)
 * @param seasonMillis the season (a day)
 * @param errorWindowSeasons how many seasons of errors the percentiles are taken from
 * @param staggered whether each group's periods start at an offset of its own (whole steps, from a
 *     hash of the group part of the series id), so that a job's groups refresh at different steps
 *     of the hour instead of all in its first
 */
public record SeasonalNaivePlan(long stepMillis, int horizon, long periodMillis, long seasonMillis,
        int errorWindowSeasons, boolean staggered) implements SummaryPlan {
    private static final long serialVersionUID = 1L;

    /** Bits of the summary key left for where the usable history starts (see {@link #summaryKey}). */
    private static final int START_BITS = 12;

    public SeasonalNaivePlan {
        if (stepMillis <= 0 || horizon <= 0 || periodMillis < stepMillis || periodMillis % stepMillis != 0
                || seasonMillis <= 0 || errorWindowSeasons <= 0) {
            throw new IllegalArgumentException("step " + stepMillis + " ms, horizon " + horizon + ", period "
                    + periodMillis + " ms (a multiple of the step), season " + seasonMillis + " ms, error window "
                    + errorWindowSeasons + " seasons");
        }
    }

    /** Steps in a season. */
    public int season() {
        return SeasonalNaiveForecaster.seasonSteps(seasonMillis, stepMillis);
    }

    /** Below a season and a step the forecaster takes its young-series path, from the whole history. */
    @Override
    public int minHistorySteps() {
        return season() + 1;
    }

    @Override
    public long periodOffsetMillis(String seriesId) {
        return staggered ? offset(seriesId, periodMillis, stepMillis) : 0;
    }

    /**
     * A whole number of steps below the period, from a hash of the series id up to its last
     * {@code '/'} (the group): the same for every resource of a group, spread over the period across groups.
     */
    static long offset(String seriesId, long periodMillis, long stepMillis) {
        int slash = seriesId.lastIndexOf('/');
        int h = (slash < 0 ? seriesId : seriesId.substring(0, slash)).hashCode();
        h ^= h >>> 16;
        h *= 0x45d9f3b; // mixes the low bits, which select the slot
        h ^= h >>> 16;
        return Math.floorMod(h, periodMillis / stepMillis) * stepMillis;
    }

    /** {@code [1, k]} for the k steps of the origin's period (none at its start), and the season-back steps. */
    @Override
    public int[] lagRanges(String seriesId, long originMillis) {
        int k = SeasonalNaiveForecaster.stepsIntoPeriod(originMillis - periodOffsetMillis(seriesId), stepMillis, periodMillis);
        int season = season();
        int seasonFrom = season - Math.min(horizon, season) + 1;
        return k > 0 ? new int[] {1, k, seasonFrom, season} : new int[] {seasonFrom, season};
    }

    /**
     * The steps of the origin's period are read only for the most recent finite value among them:
     * with lag 1 finite that is lag 1, so {@code [1, 1]} and the season-back steps.
     */
    @Override
    public int[] lagRangesWithLastKnown(String seriesId, long originMillis) {
        int[] all = lagRanges(seriesId, originMillis);
        if (all.length == 4) {
            all[1] = 1;
        }
        return all;
    }

    /**
     * The period index, and (in the low bits) the period in which the history starts: a context that
     * is not a whole number of periods slides its start across a period boundary during a period,
     * which changes the usable history and so the summary.
     */
    @Override
    public long summaryKey(String seriesId, long originMillis, int historySteps) {
        long shifted = originMillis - periodOffsetMillis(seriesId);
        long period = Math.floorDiv(shifted, periodMillis);
        long startPeriod = Math.floorDiv(shifted - (long) historySteps * stepMillis, periodMillis);
        return (period << START_BITS) | Math.floorMod(startPeriod, 1L << START_BITS);
    }

    @Override
    public double[] summarize(ForecastRequest fullHistory) {
        if (fullHistory.stepMillis() != stepMillis) {
            throw new IllegalArgumentException("a plan for " + stepMillis + " ms steps got " + fullHistory.stepMillis());
        }
        // Period positions are taken on the series' own grid of periods: shift the origin by its offset.
        return SeasonalNaiveForecaster.summarize(fullHistory.history(),
                fullHistory.originMillis() - periodOffsetMillis(fullHistory.seriesId()), stepMillis,
                periodMillis, season(), errorWindowSeasons);
    }
}
