package dev.prescale.models;

import java.io.Serializable;

/**
 * How a {@link SummarizingForecaster} forecasts from a small per-series summary plus a few recent
 * values instead of the whole history: known at job build time (for one step and horizon), so the
 * history operator can keep the summary in state and read only the values a forecast needs.
 * Implementations are records (value equality: a job built with one plan refuses a model with
 * another) and serializable (they travel in the job graph).
 *
 * <p>A summary made for a request serves every later request of the same series with the same
 * {@link #summaryKey}; it reads only values that end at or before the start of the origin's period
 * (the last {@code periodOffsetMillis(series) + k * periodMillis} at or before the origin), so values
 * added during a period change the summary only from the next period on.
 */
public interface SummaryPlan extends Serializable {

    /** The period P: a summary made for an origin serves the other origins of {@code floorDiv(origin, P)}. */
    long periodMillis();

    /** From this many history steps on summaries are used; shorter histories are forecast in full. */
    int minHistorySteps();

    /**
     * Where the periods of a series start: at this offset plus whole periods (0 by default: at
     * multiples of P). A plan may give series different offsets so that a job holding many series
     * does not refresh all their summaries in the same step. The series of one group, ids equal up
     * to their last {@code '/'} (such as {@code checkout/cpu} and {@code checkout/memory}), must
     * share an offset: a job refreshes a group's series together.
     */
    default long periodOffsetMillis(String seriesId) {
        return 0;
    }

    /**
     * The steps a forecast from a summary reads, as inclusive pairs {@code [from, to]} of lags
     * (1 = the last step before the origin); may depend on where the origin lies in its period.
     * Everything else of the history may be NaN.
     */
    int[] lagRanges(String seriesId, long originMillis);

    /**
     * The lag ranges a forecast from a summary reads when the value at lag 1 is known to be finite
     * (as in a job, where the window just closed always has a value): a subset of
     * {@link #lagRanges}, and the forecast from a history holding only these must be the same.
     * By default all of {@link #lagRanges}.
     */
    default int[] lagRangesWithLastKnown(String seriesId, long originMillis) {
        return lagRanges(seriesId, originMillis);
    }

    /**
     * Which summary serves a request: two requests of one series with the same key have the same
     * summary (given the same stored values). By default the index of the series' period.
     */
    default long summaryKey(String seriesId, long originMillis, int historySteps) {
        return Math.floorDiv(originMillis - periodOffsetMillis(seriesId), periodMillis());
    }

    /** The summary of a request with its full history; reads only values before the origin's period. */
    double[] summarize(ForecastRequest fullHistory);
}
