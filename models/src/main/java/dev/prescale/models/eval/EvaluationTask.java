package dev.prescale.models.eval;

import dev.prescale.models.ForecastRequest;
import dev.prescale.models.trace.Trace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two forecast tasks of EVALUATION.md, turned into a regular series plus origins: H1 at the
 * trace's own step (origins every 4 hours from 3 days after the first timestamp), H24 on calendar
 * hourly means (origins every day at 00:00 UTC). Requests see only values before their origin.
 */
public enum EvaluationTask {
    H1,
    H24;

    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;

    /** The task's series on a regular grid (NaN where no value), its origins and horizon. */
    public record Setup(
            EvaluationTask task,
            long startMillis,
            long stepMillis,
            double[] series,
            int horizon,
            int season,
            int[] originIndex) {

        /** Origin timestamp of origin number k. */
        public long originMillis(int k) {
            return startMillis + originIndex[k] * stepMillis;
        }

        /** The request for origin k: the series strictly before it, nothing later. */
        public ForecastRequest request(String seriesId, int k) {
            int end = originIndex[k];
            return ForecastRequest.of(seriesId, originMillis(k), stepMillis, Arrays.copyOf(series, end), horizon);
        }

        /** Actual value of step h (1-based) for origin k, NaN when missing. */
        public double actual(int k, int h) {
            return series[originIndex[k] + h - 1];
        }

        /** MASE denominator: one-day seasonal differences before the first origin. */
        public double maseScale() {
            return ForecastMetrics.seasonalScale(series, season, originIndex.length == 0 ? series.length : originIndex[0]);
        }
    }

    /** Builds the task's series, horizon and origins from a trace. */
    public Setup setup(Trace trace) {
        return this == H1 ? setupH1(trace) : setupH24(trace);
    }

    private static Setup setupH1(Trace trace) {
        long step = trace.stepMillis();
        long start = trace.timesMillis()[0];
        double[] grid = toGrid(trace.timesMillis(), trace.values(), start, step);
        int horizon = (int) Math.ceil(HOUR / (double) step);
        int season = (int) Math.max(1, Math.round(DAY / (double) step));
        List<Integer> origins = new ArrayList<>();
        long lastTime = start + (grid.length - 1) * step;
        for (long o = start + 3 * DAY; o + (horizon - 1) * step <= lastTime; o += 4 * HOUR) {
            if ((o - start) % step != 0) {
                continue; // an origin between grid steps has no step of its own
            }
            origins.add((int) ((o - start) / step));
        }
        return new Setup(H1, start, step, grid, horizon, season, origins.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Setup setupH24(Trace trace) {
        long first = trace.timesMillis()[0];
        long start = Math.floorDiv(first, HOUR) * HOUR;
        long[] t = trace.timesMillis();
        long lastHour = Math.floorDiv(t[t.length - 1], HOUR) * HOUR;
        int n = (int) ((lastHour - start) / HOUR) + 1;
        double[] sum = new double[n];
        int[] count = new int[n];
        for (int i = 0; i < t.length; i++) {
            int b = (int) ((Math.floorDiv(t[i], HOUR) * HOUR - start) / HOUR);
            if (b >= 0 && b < n) {
                sum[b] += trace.values()[i];
                count[b]++;
            }
        }
        double[] hourly = new double[n];
        for (int b = 0; b < n; b++) {
            hourly[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
        }
        long firstOrigin = Math.floorDiv(first + 3 * DAY + DAY - 1, DAY) * DAY;
        List<Integer> origins = new ArrayList<>();
        for (long o = firstOrigin; o + 23 * HOUR <= lastHour; o += DAY) {
            origins.add((int) ((o - start) / HOUR));
        }
        return new Setup(H24, start, HOUR, hourly, 24, 24, origins.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Places values on a regular grid from {@code start} with {@code step}; empty slots are NaN. */
    static double[] toGrid(long[] times, double[] values, long start, long step) {
        long last = times[times.length - 1];
        int n = (int) Math.floorDiv(last - start, step) + 1;
        double[] grid = new double[n];
        Arrays.fill(grid, Double.NaN);
        for (int i = 0; i < times.length; i++) {
            long off = times[i] - start;
            int idx = (int) Math.round(off / (double) step);
            if (idx >= 0 && idx < n) {
                grid[idx] = values[i];
            }
        }
        return grid;
    }
}
