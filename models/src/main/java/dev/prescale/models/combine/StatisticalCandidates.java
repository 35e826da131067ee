package dev.prescale.models.combine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Robust statistical point forecasts on a regular series, each computed from the values before an
 * end index only: the last value, the recent mean and median, the mean of the last day, the value a day earlier, the median of the same
 * time of day over the last week (as is, and shifted to the recent level), and the median of the same
 * time of week over the last weeks. A candidate that the history cannot support is left out.
 */
public final class StatisticalCandidates {

    /** Weeks the weekly median looks back at most. */
    static final int WEEKS = 4;
    /** Days the daily median looks back at most. */
    static final int DAYS = 7;

    private StatisticalCandidates() {}

    /**
     * The candidates' forecasts for steps {@code end .. end + horizon - 1} of {@code x}, whose
     * season (steps per day) is {@code season}; keyed by name, in a fixed order.
     */
    public static Map<String, double[]> at(double[] x, int end, int horizon, int season) {
        Map<String, double[]> out = new LinkedHashMap<>();
        double last = lastFinite(x, end);
        if (!Double.isFinite(last)) {
            return out;
        }
        out.put("naive", flat(last, horizon));
        int recent = Math.max(2, season / 48); // half an hour at 5 minutes, two steps on hourly means
        double mean = mean(x, end - recent, end);
        if (Double.isFinite(mean)) {
            out.put("recent-mean", flat(mean, horizon));
        }
        // The median of the last hour or so: a level that one spike does not move.
        double[] lastSteps = finiteValues(x, end - Math.max(3, season / 24), end);
        if (lastSteps.length > 0) {
            out.put("recent-median", flat(median(lastSteps, lastSteps.length), horizon));
        }
        // A seasonal profile is moved to the level of a window at least as long as the horizon:
        // three hours for short horizons, a day for a day ahead.
        int levelWindow = Math.max(horizon, Math.max(1, season / 8));
        double dayMean = mean(x, end - season, end);
        if (end >= season && Double.isFinite(dayMean)) {
            out.put("day-mean", flat(dayMean, horizon));
        }
        if (end >= season) {
            double[] f = new double[horizon];
            boolean ok = true;
            for (int h = 0; h < horizon; h++) {
                int back = season * (1 + h / season);
                double v = end + h - back >= 0 ? x[end + h - back] : Double.NaN;
                f[h] = Double.isFinite(v) ? v : last;
            }
            out.put("snaive", f);
        }
        if (end >= 2 * season) {
            double[] median = seasonalMedian(x, end, horizon, season, DAYS, last);
            out.put("day-median", median);
            double shift = levelShift(x, end, season, DAYS, levelWindow);
            if (Double.isFinite(shift)) {
                double[] shifted = median.clone();
                for (int h = 0; h < horizon; h++) {
                    shifted[h] += shift;
                }
                out.put("day-median+level", shifted);
            }
        }
        int week = 7 * season;
        if (end >= 2 * week) {
            double[] median = seasonalMedian(x, end, horizon, week, WEEKS, last);
            double shift = levelShift(x, end, week, WEEKS, levelWindow);
            if (Double.isFinite(shift)) {
                for (int h = 0; h < horizon; h++) {
                    median[h] += shift;
                }
            }
            out.put("week-median+level", median);
        }
        return out;
    }

    /** Median of x[t - k*period], k = 1..periods (those present), for each forecast step t. */
    static double[] seasonalMedian(double[] x, int end, int horizon, int period, int periods, double fallback) {
        double[] f = new double[horizon];
        double[] buf = new double[periods];
        for (int h = 0; h < horizon; h++) {
            int t = end + h;
            int n = 0;
            for (int k = 1 + h / period; k <= periods + h / period; k++) {
                int i = t - k * period;
                if (i >= 0 && i < end && Double.isFinite(x[i])) {
                    buf[n++] = x[i];
                }
            }
            f[h] = n == 0 ? fallback : median(buf, n);
        }
        return f;
    }

    /**
     * How far the last {@code window} values sit above their own seasonal medians: the additive
     * correction that moves a seasonal profile to the current level. NaN when nothing compares.
     */
    static double levelShift(double[] x, int end, int period, int periods, int window) {
        double sum = 0;
        int n = 0;
        double[] buf = new double[periods];
        for (int t = Math.max(0, end - window); t < end; t++) {
            if (!Double.isFinite(x[t])) {
                continue;
            }
            int m = 0;
            for (int k = 1; k <= periods; k++) {
                int i = t - k * period;
                if (i >= 0 && Double.isFinite(x[i])) {
                    buf[m++] = x[i];
                }
            }
            if (m > 0) {
                sum += x[t] - median(buf, m);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    static double median(double[] buf, int n) {
        double[] s = Arrays.copyOf(buf, n);
        Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static double mean(double[] x, int from, int to) {
        double sum = 0;
        int n = 0;
        for (int t = Math.max(0, from); t < to; t++) {
            if (Double.isFinite(x[t])) {
                sum += x[t];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double[] finiteValues(double[] x, int from, int to) {
        double[] v = new double[Math.max(0, to - Math.max(0, from))];
        int n = 0;
        for (int t = Math.max(0, from); t < to; t++) {
            if (Double.isFinite(x[t])) {
                v[n++] = x[t];
            }
        }
        return Arrays.copyOf(v, n);
    }

    private static double lastFinite(double[] x, int end) {
        for (int t = end - 1; t >= 0; t--) {
            if (Double.isFinite(x[t])) {
                return x[t];
            }
        }
        return Double.NaN;
    }

    private static double[] flat(double v, int horizon) {
        double[] f = new double[horizon];
        Arrays.fill(f, v);
        return f;
    }
}
