package dev.prescale.models.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The seasonal naive error quantiles by selection are exactly those of sorting the errors (the method before). */
class SeasonalNaiveQuantilesTest {

    /** The sorting implementation the selection replaced. */
    private static double[] sorted(double[] x, int lag, int window) {
        int n = x.length;
        double[] d = new double[Math.max(0, window)];
        int m = 0;
        for (int t = Math.max(lag, n - window); t < n; t++) {
            if (Double.isFinite(x[t]) && Double.isFinite(x[t - lag])) {
                d[m++] = x[t] - x[t - lag];
            }
        }
        if (m == 0) {
            return new double[] {0, 0};
        }
        double[] s = Arrays.copyOf(d, m);
        Arrays.sort(s);
        return new double[] {SeasonalNaiveForecaster.quantile(s, 0.1), SeasonalNaiveForecaster.quantile(s, 0.9)};
    }

    @Test
    void selectionGivesTheSortedQuantilesBitForBit() {
        Random rnd = new Random(3);
        int checked = 0;
        for (int round = 0; round < 3000; round++) {
            int n = 1 + rnd.nextInt(round < 2000 ? 40 : 3000);
            double[] x = new double[n];
            int kind = rnd.nextInt(5);
            for (int i = 0; i < n; i++) {
                x[i] = switch (kind) {
                    case 0 -> rnd.nextGaussian() * 100;
                    case 1 -> rnd.nextInt(4); // many ties
                    case 2 -> 0; // a flat series: all errors equal
                    case 3 -> rnd.nextDouble() < 0.2 ? Double.NaN : rnd.nextInt(1000) - 500;
                    default -> Math.sin(i / 30.0) * 50 + rnd.nextGaussian();
                };
            }
            int lag = 1 + rnd.nextInt(Math.max(1, n / 2 + 1));
            int window = rnd.nextInt(n + 5);
            double[] expected = sorted(x, lag, window);
            double[] actual = SeasonalNaiveForecaster.errorQuantiles(x, lag, window);
            assertThat(actual).as("round %d n %d lag %d window %d", round, n, lag, window).containsExactly(expected);
            checked++;
        }
        assertThat(checked).isEqualTo(3000);
    }
}
