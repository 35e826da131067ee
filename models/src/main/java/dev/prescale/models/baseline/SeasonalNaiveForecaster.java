package dev.prescale.models.baseline;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummarizingForecaster;
import java.util.ArrayList;
import java.util.List;

/**
 * The honest baseline: one-day seasonal naive with empirical quantiles.
 *
 * <p>p50 for step h is the value one season (a day) before it, or further back for horizons longer
 * than a season. p10 and p90 add the 10th and 90th percentiles of the recent seasonal-naive errors.
 * With less than a season of history it forecasts the last value, its band from the spread of
 * h-step changes, and says so in the note.
 *
 * <p>From a season of history on, the error percentiles (and the last known value, for gaps) form a
 * summary per series ({@link SeasonalNaivePlan}) that changes once per summary period (an hour by
 * default): the errors are those of the last {@code errorWindowSeasons} seasons before the start of
 * the origin's period, within the whole periods of the history. A streaming job keeps the summary
 * and reads only the values one season back, instead of the whole history on every step.
 */
public final class SeasonalNaiveForecaster implements SummarizingForecaster {

    /** The version string every forecast of this class carries (2: error percentiles per period). */
    public static final String VERSION = "snaive/2";
    /** The default summary period: the band changes once an hour. */
    public static final long DEFAULT_SUMMARY_PERIOD_MILLIS = 3_600_000L;

    private final long seasonMillis;
    private final int errorWindowSeasons;
    private final long summaryPeriodMillis;
    private final boolean staggered;

    /**
     * A daily seasonal naive forecaster with errors taken from the last 2 days, summarized per hour,
     * each group's hours starting at an offset of its own ({@link SeasonalNaivePlan#staggered}).
     */
    public SeasonalNaiveForecaster() {
        this(86_400_000L, 2, DEFAULT_SUMMARY_PERIOD_MILLIS, true);
    }

    /** Summarized per hour, periods at whole hours for every series. */
    public SeasonalNaiveForecaster(long seasonMillis, int errorWindowSeasons) {
        this(seasonMillis, errorWindowSeasons, DEFAULT_SUMMARY_PERIOD_MILLIS);
    }

    /** @param summaryPeriodMillis how long a summary (the error percentiles) serves; periods at its multiples */
    public SeasonalNaiveForecaster(long seasonMillis, int errorWindowSeasons, long summaryPeriodMillis) {
        this(seasonMillis, errorWindowSeasons, summaryPeriodMillis, false);
    }

    /** @param staggered whether each group's periods start at an offset of its own (see {@link SeasonalNaivePlan}) */
    public SeasonalNaiveForecaster(long seasonMillis, int errorWindowSeasons, long summaryPeriodMillis, boolean staggered) {
        if (seasonMillis <= 0 || errorWindowSeasons <= 0 || summaryPeriodMillis <= 0) {
            throw new IllegalArgumentException("season, error window and summary period must be positive");
        }
        this.seasonMillis = seasonMillis;
        this.errorWindowSeasons = errorWindowSeasons;
        this.summaryPeriodMillis = summaryPeriodMillis;
        this.staggered = staggered;
    }

    @Override
    public String version() {
        return VERSION;
    }

    /** Null when the step does not divide the summary period (those steps are forecast in full). */
    @Override
    public SeasonalNaivePlan summaryPlan(long stepMillis, int horizon) {
        if (stepMillis <= 0 || horizon <= 0 || summaryPeriodMillis < stepMillis || summaryPeriodMillis % stepMillis != 0) {
            return null;
        }
        return new SeasonalNaivePlan(stepMillis, horizon, summaryPeriodMillis, seasonMillis, errorWindowSeasons, staggered);
    }

    @Override
    public List<Forecast> forecast(List<ForecastRequest> requests) {
        List<Forecast> out = new ArrayList<>(requests.size());
        for (ForecastRequest r : requests) {
            SeasonalNaivePlan plan = summaryPlan(r.stepMillis(), r.horizon());
            if (plan == null || r.history().length < plan.minHistorySteps()) {
                out.add(forecastOne(r));
            } else {
                // Exactly what a job holding the summary computes (see SummarizingForecaster).
                out.add(fromSummary(r, plan.summarize(r)));
            }
        }
        return out;
    }

    @Override
    public List<Forecast> forecast(List<ForecastRequest> requests, List<double[]> summaries) {
        if (summaries.size() != requests.size()) {
            throw new IllegalArgumentException(requests.size() + " requests but " + summaries.size() + " summaries");
        }
        List<Forecast> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            double[] s = summaries.get(i);
            out.add(s == null ? forecast(requests.get(i)) : fromSummary(requests.get(i), s));
        }
        return out;
    }

    /** Steps in a season for a step length. */
    static int seasonSteps(long seasonMillis, long stepMillis) {
        return (int) Math.max(1, Math.round((double) seasonMillis / stepMillis));
    }

    /**
     * Values of a history (ending at the origin) that lie inside the origin's period: whole steps
     * from the period start to the origin. An origin off the step grid thus behaves as the grid
     * point before it (the value that straddles the period start counts as before it), so a replay
     * on a trace's own timestamps and the job's windows aligned to the step agree.
     */
    static int stepsIntoPeriod(long originMillis, long stepMillis, long periodMillis) {
        long into = originMillis - Math.floorDiv(originMillis, periodMillis) * periodMillis;
        return (int) Math.floorDiv(into, stepMillis);
    }

    /**
     * The summary {q10, q90, last} of a full history: the error percentiles and the last finite
     * value, from the values that start before the start of the origin's period (on the step grid:
     * end at or before it) and start at or after the first period boundary after the history's start. That boundary makes the summary
     * the same for every origin of the period, whether the history grows by a step per origin or
     * slides (a context of whole periods).
     */
    static double[] summarize(double[] x, long originMillis, long stepMillis, long periodMillis, int season,
            int errorWindowSeasons) {
        int n = x.length;
        int end = Math.max(0, n - stepsIntoPeriod(originMillis, stepMillis, periodMillis));
        long start = originMillis - (long) n * stepMillis;
        long usable = (Math.floorDiv(start, periodMillis) + 1) * periodMillis;
        long span = Math.floorDiv(originMillis - usable, stepMillis);
        int begin = (int) Math.min(n, Math.max(0, n - span));
        double last = Double.NaN;
        for (int i = end - 1; i >= begin; i--) {
            if (Double.isFinite(x[i])) {
                last = x[i];
                break;
            }
        }
        long window = (long) season * errorWindowSeasons;
        int from = (int) Math.max(begin + (long) season, end - window);
        double[] q = errorQuantilesBetween(x, season, from, end);
        return new double[] {q[0], q[1], last};
    }

    /** The forecast from a summary and the values in the plan's lag ranges. */
    private Forecast fromSummary(ForecastRequest r, double[] summary) {
        double[] x = r.history();
        int n = x.length;
        int season = seasonSteps(seasonMillis, r.stepMillis());
        int h = r.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        // The last known value: inside the origin's period from the history, before it from the summary.
        double lastValue = Double.NaN;
        long offset = staggered ? SeasonalNaivePlan.offset(r.seriesId(), summaryPeriodMillis, r.stepMillis()) : 0;
        int inPeriod = Math.min(n, stepsIntoPeriod(r.originMillis() - offset, r.stepMillis(), summaryPeriodMillis));
        for (int lag = 1; lag <= inPeriod; lag++) {
            if (Double.isFinite(x[n - lag])) {
                lastValue = x[n - lag];
                break;
            }
        }
        if (Double.isNaN(lastValue)) {
            lastValue = summary[2];
        }
        if (!Double.isFinite(lastValue)) {
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "no history");
        }
        double q10 = summary[0];
        double q90 = summary[1];
        for (int i = 0; i < h; i++) {
            int back = season * (1 + i / season);
            int idx = n + i - back;
            double v = idx >= 0 && Double.isFinite(x[idx]) ? x[idx] : lastValue;
            p50[i] = v;
            p10[i] = Math.max(0, Math.min(v, v + q10));
            p90[i] = Math.max(v, v + q90);
        }
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "");
    }

    /** Today's full-history forecast: young series, and steps that do not divide the summary period. */
    private Forecast forecastOne(ForecastRequest r) {
        double[] x = r.history();
        int n = x.length;
        int season = seasonSteps(seasonMillis, r.stepMillis());
        int h = r.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        int last = lastFinite(x);
        if (last < 0) {
            // Nothing known: a zero forecast with no spread, and the note says why.
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "no history");
        }
        if (n < season + 1) {
            double lastValue = x[last];
            for (int i = 0; i < h; i++) {
                double[] q = errorQuantiles(x, i + 1, n);
                p50[i] = lastValue;
                p10[i] = Math.max(0, lastValue + q[0]);
                p90[i] = Math.max(lastValue, lastValue + q[1]);
            }
            return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION,
                    "history shorter than one season: last value");
        }
        double[] q = errorQuantiles(x, season, Math.min(n, season * errorWindowSeasons));
        for (int i = 0; i < h; i++) {
            int back = season * (1 + i / season);
            int idx = n + i - back;
            double v = idx >= 0 && Double.isFinite(x[idx]) ? x[idx] : x[last];
            p50[i] = v;
            p10[i] = Math.max(0, Math.min(v, v + q[0]));
            p90[i] = Math.max(v, v + q[1]);
        }
        return new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), p10, p50, p90, VERSION, "");
    }

    /** 10th and 90th percentiles of x[t] - x[t - lag] over the last {@code window} points. */
    static double[] errorQuantiles(double[] x, int lag, int window) {
        return errorQuantilesBetween(x, lag, x.length - window, x.length);
    }

    /** 10th and 90th percentiles of x[t] - x[t - lag] for t in [max(lag, from), to); {0, 0} for none. */
    static double[] errorQuantilesBetween(double[] x, int lag, int from, int to) {
        int first = Math.max(lag, from);
        double[] d = new double[Math.max(0, to - first)];
        int m = 0;
        for (int t = first; t < to; t++) {
            if (Double.isFinite(x[t]) && Double.isFinite(x[t - lag])) {
                d[m++] = x[t] - x[t - lag];
            }
        }
        if (m == 0) {
            return new double[] {0, 0};
        }
        // Only four order statistics are needed, not a sorted copy: selecting them is linear, where
        // sorting two days of one-minute errors was the forecaster's whole cost (issue 8).
        return new double[] {selectedQuantile(d, m, 0.1, 0), selectedQuantile(d, m, 0.9, lowerRank(m, 0.1))};
    }

    /** Sorted-order rank of the lower neighbour of quantile {@code q} among {@code m} values. */
    private static int lowerRank(int m, double q) {
        return (int) Math.floor(q * (m - 1));
    }

    /**
     * {@link #quantile} of the first {@code m} values of {@code d}, as if they were sorted, by
     * selection; reorders {@code d}. Ranks below {@code from} must already be in place (a previous
     * call for a lower quantile put them there).
     */
    static double selectedQuantile(double[] d, int m, double q, int from) {
        double pos = q * (m - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(m - 1, lo + 1);
        double low = select(d, Math.min(from, lo), m - 1, lo);
        // After the selection everything right of lo is >= d[lo]: the next rank is their minimum.
        double high = low;
        if (hi > lo) {
            high = d[lo + 1];
            for (int i = lo + 2; i < m; i++) {
                if (d[i] < high) {
                    high = d[i];
                }
            }
        }
        return low + (pos - lo) * (high - low);
    }

    /**
     * The value of rank {@code k} within {@code d[left..right]}, leaving smaller values left of
     * {@code k} and larger ones right of it: Hoare's selection with a median-of-three pivot and a
     * three-way partition (flat series give many equal errors; a two-way one would go quadratic).
     */
    private static double select(double[] d, int left, int right, int k) {
        while (right > left) {
            double a = d[left];
            double b = d[(left + right) >>> 1];
            double c = d[right];
            double pivot = a < b ? (b < c ? b : Math.max(a, c)) : (a < c ? a : Math.max(b, c));
            int lt = left;
            int i = left;
            int gt = right;
            while (i <= gt) {
                if (d[i] < pivot) {
                    swap(d, lt++, i++);
                } else if (d[i] > pivot) {
                    swap(d, i, gt--);
                } else {
                    i++;
                }
            }
            // d[left..lt) < pivot, d[lt..gt] == pivot, d(gt..right] > pivot
            if (k < lt) {
                right = lt - 1;
            } else if (k > gt) {
                left = gt + 1;
            } else {
                return d[k];
            }
        }
        return d[k];
    }

    private static void swap(double[] d, int i, int j) {
        double t = d[i];
        d[i] = d[j];
        d[j] = t;
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static int lastFinite(double[] x) {
        for (int i = x.length - 1; i >= 0; i--) {
            if (Double.isFinite(x[i])) {
                return i;
            }
        }
        return -1;
    }
}
