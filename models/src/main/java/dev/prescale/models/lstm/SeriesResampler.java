package dev.prescale.models.lstm;

/**
 * Moves a regular series between steps by time-weighted means, with buckets aligned so that the last
 * bucket ends exactly at the origin (the end of the history): nothing after the origin is ever mixed
 * in. Works both ways: a finer series onto a coarser grid (means) and a coarser one onto a finer grid
 * (each value spread over the grid steps it covers), and any ratio between the two.
 */
public final class SeriesResampler {

    private SeriesResampler() {}

    /**
     * Time-weighted means of {@code x} (step {@code stepMillis}, ending at the origin) over buckets of
     * {@code gridMillis}; a value at step t is the demand during its whole step, so a bucket gets each
     * step in proportion to their overlap. A bucket without a finite value is NaN. The first bucket
     * may be partial.
     */
    public static double[] toOriginAlignedGrid(double[] x, long stepMillis, long gridMillis) {
        int n = x.length;
        long span = n * stepMillis;
        int buckets = (int) Math.ceil(span / (double) gridMillis);
        long gridStart = -buckets * gridMillis; // bucket b covers [gridStart + b*grid, gridStart + (b+1)*grid)
        double[] sum = new double[buckets];
        double[] weight = new double[buckets];
        for (int t = 0; t < n; t++) {
            if (!Double.isFinite(x[t])) {
                continue;
            }
            long from = -(long) (n - t) * stepMillis;
            long to = from + stepMillis;
            int b = (int) Math.floorDiv(from - gridStart, gridMillis);
            for (; b < buckets; b++) {
                long bFrom = gridStart + b * gridMillis;
                long overlap = Math.min(to, bFrom + gridMillis) - Math.max(from, bFrom);
                if (overlap <= 0) {
                    break;
                }
                sum[b] += overlap * x[t];
                weight[b] += overlap;
            }
        }
        double[] out = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            out[b] = weight[b] == 0 ? Double.NaN : sum[b] / weight[b];
        }
        return out;
    }

    /** How many grid steps of {@code gridMillis} cover {@code horizon} steps of {@code stepMillis} from the origin. */
    public static int gridHorizon(int horizon, long stepMillis, long gridMillis) {
        return (int) Math.ceil(horizon * (double) stepMillis / gridMillis);
    }

    /**
     * The reverse of {@link #toOriginAlignedGrid} for a forecast: grid value k covers
     * {@code [origin + k*grid, origin + (k+1)*grid)}; native step h gets the time-weighted mean of
     * the grid values overlapping {@code [origin + h*step, origin + (h+1)*step)}.
     */
    public static double[] gridToSteps(double[] grid, long gridMillis, long stepMillis, int horizon) {
        double[] out = new double[horizon];
        for (int h = 0; h < horizon; h++) {
            long from = h * stepMillis;
            long to = from + stepMillis;
            double sum = 0;
            long weight = 0;
            for (int k = (int) (from / gridMillis); k < grid.length && k * gridMillis < to; k++) {
                long overlap = Math.min(to, (k + 1) * gridMillis) - Math.max(from, k * gridMillis);
                if (overlap > 0) {
                    sum += overlap * grid[k];
                    weight += overlap;
                }
            }
            out[h] = weight == 0 ? Double.NaN : sum / weight;
        }
        return out;
    }
}
