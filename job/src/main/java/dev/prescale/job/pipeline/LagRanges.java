package dev.prescale.job.pipeline;

import java.util.Arrays;

/**
 * The sparse form of a series ({@link ForecastTask#lagRanges}): inclusive pairs {@code [from, to]}
 * of lags (1 = the last value of the full series), and per series only the values at those lags,
 * range after range, each range oldest first (lag {@code to} down to lag {@code from}).
 */
public final class LagRanges {

    private LagRanges() {}

    /**
     * A plan's lag ranges clipped to {@code [1, historySteps]}, empty ones left out: the
     * {@link ForecastTask#lagRanges} of a task with that many history steps.
     */
    public static int[] clip(int[] planRanges, int historySteps) {
        int[] out = new int[planRanges.length - planRanges.length % 2];
        int m = 0;
        for (int p = 0; p < out.length; p += 2) {
            int from = Math.max(1, planRanges[p]);
            int to = Math.min(historySteps, planRanges[p + 1]);
            if (from <= to) {
                out[m++] = from;
                out[m++] = to;
            }
        }
        return m == out.length ? out : Arrays.copyOf(out, m);
    }

    /** How many values a series in the sparse form holds (clipped ranges). */
    public static int length(int[] ranges) {
        int length = 0;
        for (int p = 0; p + 1 < ranges.length; p += 2) {
            length += ranges[p + 1] - ranges[p] + 1;
        }
        return length;
    }

    /**
     * Where lag 1 (the last value of the full series) is in the sparse form, or -1 when no range
     * holds it.
     */
    public static int indexOfLastValue(int[] ranges) {
        int k = 0;
        for (int p = 0; p + 1 < ranges.length; p += 2) {
            if (ranges[p] <= 1 && 1 <= ranges[p + 1]) {
                return k + ranges[p + 1] - 1;
            }
            k += ranges[p + 1] - ranges[p] + 1;
        }
        return -1;
    }

    /**
     * Writes a series in the sparse form into a full-length one at its lags (clipped ranges);
     * leaves every other position as it is.
     */
    public static void expandInto(double[] values, int[] ranges, double[] full) {
        int n = full.length;
        int k = 0;
        for (int p = 0; p + 1 < ranges.length; p += 2) {
            for (int lag = ranges[p + 1]; lag >= ranges[p]; lag--) {
                full[n - lag] = values[k++];
            }
        }
    }

    /** Sets the positions {@link #expandInto} writes back to NaN. */
    public static void clear(int[] ranges, double[] full) {
        int n = full.length;
        for (int p = 0; p + 1 < ranges.length; p += 2) {
            Arrays.fill(full, n - ranges[p + 1], n - ranges[p] + 1, Double.NaN);
        }
    }
}
