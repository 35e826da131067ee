package dev.prescale.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForecastMetricsTest {

    @Test
    void figuresMatchAHandComputedCase() {
        double[] y = {10, 20, Double.NaN, 0};
        double[] p10 = {8, 21, 0, 0};
        double[] p50 = {9, 22, 0, 0};
        double[] p90 = {12, 25, 0, 1};
        // |e| = 1, 2, (skipped), 0 -> mean 1; scale 2 -> MASE 0.5
        // sMAPE: 200*1/19, 200*2/42, 0 (both zero) -> mean
        // coverage: 10 in [8,12] yes; 20 in [21,25] no; 0 in [0,1] yes -> 2/3
        // pinball: y=10: 0.1*2 + 0.5*1 + 0.1*2 = 0.9 ; y=20: 0.9*1 + 0.5*2 + 0.1*5 = 2.4 ; y=0: 0 + 0 + 0.1*1 = 0.1
        //   mean over 9 = 3.4/9, / mean|y| (10) -> 0.037777...
        ForecastMetrics.Scores s = ForecastMetrics.score(y, p10, p50, p90, 2.0);
        assertThat(s.points()).isEqualTo(3);
        assertThat(s.mase()).isCloseTo(0.5, within(1e-12));
        assertThat(s.smape()).isCloseTo((200.0 / 19 + 400.0 / 42) / 3, within(1e-12));
        assertThat(s.coverage80()).isCloseTo(200.0 / 3, within(1e-12));
        assertThat(s.pinball()).isCloseTo(3.4 / 9 / 10, within(1e-12));
    }

    @Test
    void seasonalScaleUsesOnlyPresentPairsBeforeTheEnd() {
        double[] x = {1, 2, 4, Double.NaN, 10, 100};
        // season 2, pairs (2,0): 3 ; (3,1): missing ; (4,2): 6 ; t=5 is not before end 5
        assertThat(ForecastMetrics.seasonalScale(x, 2, 5)).isCloseTo(4.5, within(1e-12));
    }

    @Test
    void pinballIsAsymmetric() {
        assertThat(ForecastMetrics.pinball(10, 8, 0.9)).isCloseTo(1.8, within(1e-12));
        assertThat(ForecastMetrics.pinball(8, 10, 0.9)).isCloseTo(0.2, within(1e-12));
    }
}
