package dev.prescale.models.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Window normalization: level only (older artifacts) and level-and-spread, and the way back to units. */
class WindowFeaturizerTest {

    /** Two days at 5 minutes: level 1000 with a daily swing of +-100 (a near-flat CPU series, 7% spread). */
    static double[] nearFlat() {
        double[] x = new double[2 * 288 + 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1000 + 100 * Math.sin(2 * Math.PI * (i + 72) / 288.0);
        }
        return x;
    }

    @Test
    void levelScalingHidesASmallSwingAndSpreadScalingShowsIt() {
        double[] x = nearFlat();
        int end = 2 * 288;
        ModelWindow level = new WindowFeaturizer(36, 12).build(x, end, 300_000L, 1_600_000_000_000L, true);
        ModelWindow spread = new WindowFeaturizer(36, 12, WindowFeaturizer.Normalization.LEVEL_AND_SPREAD)
                .build(x, end, 300_000L, 1_600_000_000_000L, true);
        // a sine's standard deviation is amplitude / sqrt(2): about 14 times larger in spread units
        assertThat(range(spread.target()) / range(level.target())).isCloseTo((float) (1000 / (100 / Math.sqrt(2))), within(0.5f));
        assertThat(spread.center()).isCloseTo(1000, within(0.5));
        assertThat(spread.scale()).isCloseTo(100 / Math.sqrt(2), within(0.5));
        double[] flat = new double[2 * 288];
        java.util.Arrays.fill(flat, 40);
        // a constant day: the spread floor (2% of the level) keeps the features finite
        ModelWindow constant = new WindowFeaturizer(36, 12, WindowFeaturizer.Normalization.LEVEL_AND_SPREAD)
                .build(flat, 2 * 288 - 12, 300_000L, 1_600_000_000_000L, true);
        assertThat(constant.scale()).isCloseTo(0.8, within(1e-9));
        assertThat(constant.target()[0]).isEqualTo(0f);
        assertThat(spread.statics()).hasSize(12 + 24 + 6);
        assertThat(level.statics()).hasSize(12 + 24 + 5);
    }

    @Test
    void quantilesMapBackToUnitsThroughCenterAndScale() {
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) {
            x[i] = 50 + 10 * Math.sin(2 * Math.PI * i / 288.0) + (i % 7);
        }
        ModelWindow w = new WindowFeaturizer(36, 12, WindowFeaturizer.Normalization.LEVEL_AND_SPREAD)
                .build(x, 350, 300_000L, 1_600_000_000_000L, true);
        float[] raw = new float[36];
        for (int h = 0; h < 12; h++) {
            raw[3 * h] = w.target()[h] - 0.1f;
            raw[3 * h + 1] = w.target()[h];
            raw[3 * h + 2] = w.target()[h] + 0.1f;
        }
        double[][] q = QuantileTranslator.toQuantiles(raw, w.center(), w.scale(), 1.0, 1.0);
        for (int h = 0; h < 12; h++) {
            assertThat(q[1][h]).isCloseTo(x[350 + h], within(1e-3));
            assertThat(q[0][h]).isLessThan(q[1][h]);
        }
    }

    @Test
    void artifactsWithoutANormalizationUseTheLevel() {
        assertThat(WindowFeaturizer.Normalization.of(null)).isEqualTo(WindowFeaturizer.Normalization.LEVEL);
        assertThat(WindowFeaturizer.Normalization.of("level-spread")).isEqualTo(WindowFeaturizer.Normalization.LEVEL_AND_SPREAD);
        assertThat(WindowFeaturizer.Normalization.of(WindowFeaturizer.Normalization.LEVEL_AND_SPREAD.key()))
                .isEqualTo(WindowFeaturizer.Normalization.LEVEL_AND_SPREAD);
    }

    private static float range(float[] v) {
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float f : v) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        return hi - lo;
    }
}
