package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sparse fill ({@link ChunkedHistory#fillLagsSparse}) writes exactly the values the full fill
 * ({@link ChunkedHistory#fill}) writes at the lag ranges, in the order of {@link LagRanges}, on
 * random window sequences with gaps (storage carried over them), re-firings, late first emissions
 * and updates, for random ranges: clipped at both ends, empty, overlapping, in any order.
 */
class ChunkedHistoryLagsTest {

    @ParameterizedTest
    @CsvSource({"7,3", "60,8", "130,7", "240,60", "250,60", "1,1"})
    void theSparseFillHoldsTheValuesOfTheFullFillAtItsLags(int capacity, int chunk) throws Exception {
        int compared = 0;
        int withGapBeforeARange = 0;
        for (long seed = 1; seed <= 12; seed++) {
            ChunkedHistory chunked = new ChunkedHistory(capacity, HistorySequences.W, chunk, false);
            RecordingChunkStore store = new RecordingChunkStore();
            Random rnd = new Random(seed * 31);
            HistoryHead head = null;
            for (GroupWindow w : HistorySequences.random("g", seed, 400, capacity)) {
                head = chunked.put(head, w, store);
                int known = chunked.historySteps(head, w.windowEnd);
                if (w.update || known == 0) {
                    continue;
                }
                int[] ranges = randomRanges(rnd, known);
                int[] clipped = LagRanges.clip(ranges, known);
                double[][] full = fullFillAtLags(chunked, head, w.windowEnd, known, clipped, store);
                int length = LagRanges.length(clipped);
                double[][] sparse = new double[4][length];
                for (double[] s : sparse) {
                    Arrays.fill(s, 12345.0); // every position must be written
                }
                chunked.fillLagsSparse(head, w.windowEnd, known, ranges, store, sparse);
                String what = "seed " + seed + " at " + w.windowEnd + " ranges " + Arrays.toString(ranges);
                for (int r = 0; r < 4; r++) {
                    // Bit for bit (NaN included): the expansion is the full fill, NaN outside the ranges.
                    double[] expanded = new double[known];
                    Arrays.fill(expanded, Double.NaN);
                    LagRanges.expandInto(sparse[r], clipped, expanded);
                    if (!Arrays.equals(expanded, full[r])) {
                        assertThat(expanded).as(what + " resource " + r).containsExactly(full[r]);
                    }
                    // And the order: range after range, each oldest first.
                    int k = 0;
                    for (int p = 0; p < clipped.length; p += 2) {
                        for (int lag = clipped[p + 1]; lag >= clipped[p]; lag--) {
                            assertThat(Double.doubleToLongBits(sparse[r][k++])).as(what)
                                    .isEqualTo(Double.doubleToLongBits(full[r][known - lag]));
                        }
                    }
                }
                withGapBeforeARange += startsInAGap(full, clipped, known) ? 1 : 0;
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(500);
        if (capacity > 10) {
            // Ranges that start in a window without traffic: the storage level carried into them.
            assertThat(withGapBeforeARange).isGreaterThan(10);
        }
    }

    /** What {@link ChunkedHistory#fill} writes for the whole history, NaN outside the (clipped) lag ranges. */
    private static double[][] fullFillAtLags(ChunkedHistory chunked, HistoryHead head, long lastEnd, int known,
            int[] clipped, RecordingChunkStore store) throws Exception {
        double[][] all = new double[4][known];
        chunked.fill(head, lastEnd, known, store, all, null);
        double[][] full = new double[4][known];
        for (int r = 0; r < 4; r++) {
            Arrays.fill(full[r], Double.NaN);
            for (int p = 0; p < clipped.length; p += 2) {
                for (int lag = clipped[p]; lag <= clipped[p + 1]; lag++) {
                    full[r][known - lag] = all[r][known - lag];
                }
            }
        }
        return full;
    }

    /** One to three pairs, each end anywhere from below 1 to beyond the history (clipped or empty). */
    private static int[] randomRanges(Random rnd, int known) {
        int[] ranges = new int[2 * (1 + rnd.nextInt(3))];
        for (int p = 0; p < ranges.length; p += 2) {
            int from = rnd.nextInt(known + 4) - 1;
            int to = rnd.nextDouble() < 0.1 ? from - 1 : from + rnd.nextInt(Math.max(1, known / 3));
            ranges[p] = from;
            ranges[p + 1] = to;
        }
        return ranges;
    }

    /** Whether some range starts in a window without traffic after the first (CPU 0, storage from before it). */
    private static boolean startsInAGap(double[][] full, int[] clipped, int known) {
        for (int p = 0; p < clipped.length; p += 2) {
            int at = known - clipped[p + 1];
            if (full[0][at] == 0 && full[2][at] > 0) {
                return true;
            }
        }
        return false;
    }
}
