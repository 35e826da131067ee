package dev.prescale.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.GroupWindow;
import org.junit.jupiter.api.Test;

/** {@link RingGroupHistory#series} walks the ring slot by slot; it must agree with addressing each window by number. */
class RingGroupHistorySeriesTest {

    private static final long W = 60_000;

    @Test
    void seriesMatchesPerWindowAddressingAcrossWrapAroundAndGaps() {
        int capacity = 7;
        RingGroupHistory h = new RingGroupHistory(capacity, W);
        long start = 1_767_225_600_000L;
        // 20 windows (the ring wraps almost three times) with gaps at 5, 11, 12.
        for (int k = 0; k < 20; k++) {
            if (k == 5 || k == 11 || k == 12) {
                continue;
            }
            GroupWindow w = new GroupWindow();
            w.group = "g";
            w.windowEnd = start + (k + 1) * W;
            w.windowStart = w.windowEnd - W;
            w.cpuCores = k + 0.5;
            w.bytesWritten = 10 * k;
            h.put(w);
            for (long lastEnd = start + W; lastEnd <= w.windowEnd + 3 * W; lastEnd += W) {
                for (int series : new int[] {RingGroupHistory.CPU, RingGroupHistory.STORAGE}) {
                    assertThat(h.series(series, lastEnd)).containsExactly(reference(h, series, lastEnd));
                }
            }
        }
    }

    /** The addressing of the original implementation: each window's slot computed on its own. */
    private static double[] reference(RingGroupHistory h, int series, long lastEnd) {
        int n = h.capacity();
        double[] out = new double[n];
        double carried = Double.NaN;
        for (int i = 0; i < n; i++) {
            long end = lastEnd - (long) (n - 1 - i) * h.windowMillis;
            int s = (int) Math.floorMod(end / h.windowMillis, (long) n);
            if (end < h.firstWindowEnd) {
                out[i] = Double.NaN;
            } else if (h.windowEnds[s] == end) {
                out[i] = h.values[series][s];
                carried = out[i];
            } else if (series == RingGroupHistory.STORAGE) {
                out[i] = Double.isNaN(carried) ? 0 : carried;
            } else {
                out[i] = 0;
            }
        }
        return out;
    }
}
