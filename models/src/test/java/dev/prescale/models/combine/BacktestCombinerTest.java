package dev.prescale.models.combine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-request backtest combination: causal, weights follow backtest errors, bands are calibrated. */
class BacktestCombinerTest {

    static final int DAY = 24;

    /** A flat series with noise: a network that chases a daily wave loses to the statistical levels. */
    @Test
    void aFlatSeriesMovesTheWeightAwayFromAWrongNetwork() {
        Random r = new Random(3);
        double[] x = new double[10 * DAY];
        for (int t = 0; t < x.length; t++) {
            x[t] = 50 + r.nextGaussian();
        }
        BacktestCombiner c = new BacktestCombiner(CombinationSpec.defaults());
        int n = x.length;
        int[] ends = BacktestCombiner.backtestEnds(n, DAY, DAY, 16, 6);
        BacktestCombiner.Combined out = c.combine(x, n, DAY, DAY, ends, e -> wave(e, 50, 20));
        assertThat(out.weights().getOrDefault(BacktestCombiner.NETWORK, 0.0)).isLessThan(0.05);
        for (int h = 0; h < DAY; h++) {
            assertThat(out.p50()[h]).isCloseTo(50, within(1.5));
            assertThat(out.p10()[h]).isLessThan(out.p50()[h]);
            assertThat(out.p90()[h]).isGreaterThan(out.p50()[h]);
        }
        assertThat(out.backtests()).isEqualTo(16);
    }

    /** A series the network knows exactly: it takes (nearly) all the weight. */
    @Test
    void aNetworkThatIsRightKeepsTheWeight() {
        double[] x = new double[10 * DAY + 7];
        for (int t = 0; t < x.length; t++) {
            x[t] = 100 + 30 * Math.sin(2 * Math.PI * t / 24.0) + 10 * Math.sin(2 * Math.PI * t / 5.0);
        }
        int n = x.length;
        BacktestCombiner c = new BacktestCombiner(CombinationSpec.defaults());
        BacktestCombiner.Combined out = c.combine(x, n, DAY, DAY, BacktestCombiner.backtestEnds(n, DAY, DAY, 16, 6),
                e -> truth(x, e));
        assertThat(out.weights().get(BacktestCombiner.NETWORK)).isGreaterThan(0.99);
        assertThat(out.describe()).startsWith("lstm 1.00");
    }

    @Test
    void onlyValuesBeforeTheOriginMatter() {
        Random r = new Random(5);
        double[] x = new double[9 * DAY + 12];
        for (int t = 0; t < x.length; t++) {
            x[t] = 20 + 5 * Math.sin(2 * Math.PI * t / 24.0) + r.nextGaussian();
        }
        int n = 8 * DAY;
        double[] changed = x.clone();
        for (int t = n; t < changed.length; t++) {
            changed[t] = 1000;
        }
        BacktestCombiner c = new BacktestCombiner(CombinationSpec.defaults());
        int[] ends = BacktestCombiner.backtestEnds(n, DAY, DAY, 16, 6);
        for (int e : ends) {
            assertThat(e + DAY).isLessThanOrEqualTo(n);
        }
        BacktestCombiner.Combined a = c.combine(x, n, DAY, DAY, ends, e -> wave(e, 20, 5));
        BacktestCombiner.Combined b = c.combine(changed, n, DAY, DAY, ends, e -> wave(e, 20, 5));
        assertThat(b.p50()).containsExactly(a.p50());
        assertThat(b.p10()).containsExactly(a.p10());
        assertThat(b.p90()).containsExactly(a.p90());
    }

    @Test
    void withoutAnyBacktestTheNetworkAnswersAlone() {
        double[] x = new double[DAY + 3];
        Arrays.fill(x, 7);
        BacktestCombiner.Combined out = new BacktestCombiner(CombinationSpec.defaults())
                .combine(x, x.length, DAY, DAY, new int[0], e -> wave(e, 7, 1));
        assertThat(out.weights()).isEqualTo(Map.of(BacktestCombiner.NETWORK, 1.0));
        assertThat(out.p50()).containsExactly(wave(x.length, 7, 1)[1]);
    }

    @Test
    void statisticalCandidatesUseOnlyTheHistoryAndSkipWhatItCannotSupport() {
        double[] x = new double[3 * DAY];
        for (int t = 0; t < x.length; t++) {
            x[t] = t % DAY;
        }
        Map<String, double[]> c = StatisticalCandidates.at(x, 2 * DAY, DAY, DAY);
        assertThat(c).containsKeys("naive", "snaive", "day-median", "day-mean").doesNotContainKey("week-median+level");
        assertThat(c.get("naive")[0]).isEqualTo(23.0);
        assertThat(c.get("snaive")[5]).isEqualTo(5.0);
        assertThat(c.get("day-median")[5]).isEqualTo(5.0);
        assertThat(c.get("day-mean")[0]).isEqualTo(11.5);
        // a day later the values of day 3 are still unseen: the same forecast whatever they are
        double[] y = x.clone();
        Arrays.fill(y, 2 * DAY, y.length, -99);
        assertThat(StatisticalCandidates.at(y, 2 * DAY, DAY, DAY).get("day-median")).containsExactly(c.get("day-median"));
    }

    /** A {p10, p50, p90} forecast that follows a daily wave of the given level and amplitude. */
    static double[][] wave(int end, double level, double amplitude) {
        double[][] q = new double[3][DAY];
        for (int h = 0; h < DAY; h++) {
            double v = level + amplitude * Math.sin(2 * Math.PI * (end + h) / 24.0);
            q[0][h] = v - 1;
            q[1][h] = v;
            q[2][h] = v + 1;
        }
        return q;
    }

    /** The actual future as the network's forecast (only for backtest ends, where it lies in the history). */
    static double[][] truth(double[] x, int end) {
        double[][] q = new double[3][DAY];
        for (int h = 0; h < DAY; h++) {
            double v = end + h < x.length ? x[end + h] : 0;
            q[0][h] = v - 1;
            q[1][h] = v;
            q[2][h] = v + 1;
        }
        return q;
    }
}
