package dev.prescale.models.trace;

import java.util.Arrays;

/**
 * A demand series read from a trace CSV (see EVALUATION.md): its rows in order, with epoch
 * millisecond timestamps, and its step, the median spacing of the timestamps.
 *
 * @param name the file name, for reports
 * @param column the value column that was read
 * @param timesMillis timestamps of the parsed rows, in file order
 * @param values the values of those rows
 * @param stepMillis the median spacing of the timestamps
 * @param skipped rows whose value was missing or could not be parsed (left out of the steps)
 */
public record Trace(String name, String column, long[] timesMillis, double[] values, long stepMillis, int skipped) {

    /** Number of steps. */
    public int size() {
        return values.length;
    }

    /** Steps per day: how many rows "one day earlier" is. */
    public int stepsPerDay() {
        return (int) Math.max(1, Math.round(86_400_000.0 / stepMillis));
    }

    /** The first {@code n} rows as a trace of their own (same step). */
    public Trace head(int n) {
        int m = Math.min(n, size());
        return new Trace(name, column, Arrays.copyOf(timesMillis, m), Arrays.copyOf(values, m), stepMillis, skipped);
    }

    /** Median of the spacings of sorted timestamps, or {@code fallback} when there are fewer than 2 rows. */
    public static long medianSpacing(long[] times, long fallback) {
        if (times.length < 2) {
            return fallback;
        }
        long[] d = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            d[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(d);
        int mid = d.length / 2;
        return d.length % 2 == 1 ? d[mid] : (d[mid - 1] + d[mid]) / 2;
    }
}
