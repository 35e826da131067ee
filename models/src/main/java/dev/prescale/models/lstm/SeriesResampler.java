package dev.prescale.models.lstm;

/**
 * Puts a regular series onto a coarser grid by means, with buckets aligned so that the last bucket
 * ends exactly at the origin (the end of the history): nothing after the origin is ever mixed in.
 */
public final class SeriesResampler {

    private SeriesResampler() {}

    /**
     * Means of {@code x} (step {@code stepMillis}, ending at the origin) over buckets of
     * {@code gridMillis}; a bucket without a finite value is NaN. The first bucket may be partial.
     */
    public static double[] toOriginAlignedGrid(double[] x, long stepMillis, long gridMillis) {
        int n = x.length;
        int buckets = (int) Math.ceil(n * (double) stepMillis / gridMillis);
        double[] sum = new double[buckets];
        int[] count = new int[buckets];
        for (int t = 0; t < n; t++) {
            if (!Double.isFinite(x[t])) {
                continue;
            }
            long ago = (long) (n - t) * stepMillis; // how long before the origin step t starts
            int back = (int) Math.ceil(ago / (double) gridMillis);
            int b = buckets - back;
            if (b >= 0) {
                sum[b] += x[t];
                count[b]++;
            }
        }
        double[] out = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            out[b] = count[b] == 0 ? Double.NaN : sum[b] / count[b];
        }
        return out;
    }
}
