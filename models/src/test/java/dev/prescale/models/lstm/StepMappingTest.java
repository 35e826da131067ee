package dev.prescale.models.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests at any step from 60 s to 30 min land on a grid the short head was trained on and come back at their own step. */
class StepMappingTest {

    static final HeadSpec SHORT = new HeadSpec("h1", 300, 3599, 36, 12, 8, 16, List.of(), 41, 1, 1, Map.of(), Map.of());

    @Test
    void gridIsTheCoarsestTrainedOneNotCoarserThanTheStepThatCoversTheHorizon() {
        assertThat(LstmForecaster.shortGrid(60_000L, 60, SHORT)).isEqualTo(300_000L);
        assertThat(LstmForecaster.shortGrid(300_000L, 12, SHORT)).isEqualTo(300_000L);
        // 10-minute series: an hour is 6 steps, forecast on the 5-minute grid (upsampled history)
        assertThat(LstmForecaster.shortGrid(600_000L, 6, SHORT)).isEqualTo(300_000L);
        assertThat(LstmForecaster.shortGrid(1_800_000L, 2, SHORT)).isEqualTo(1_800_000L);
        // two hours at 5 minutes do not fit 12 five-minute steps: 30-minute means do
        assertThat(LstmForecaster.shortGrid(300_000L, 24, SHORT)).isEqualTo(1_800_000L);
        assertThat(LstmForecaster.shortGrid(300_000L, 288, SHORT)).isZero();
    }

    @Test
    void sixtySecondStepsAverageIntoFiveMinutesAndEachMinuteGetsItsOwnFiveMinuteValue() {
        double[] minutes = new double[20];
        for (int i = 0; i < minutes.length; i++) {
            minutes[i] = i;
        }
        double[] grid = SeriesResampler.toOriginAlignedGrid(minutes, 60_000L, 300_000L);
        assertThat(grid).containsExactly(2, 7, 12, 17);
        // the forecast: grid step k covers [5k, 5k+5) minutes after the origin
        double[] back = SeriesResampler.gridToSteps(new double[] {100, 200, 300}, 300_000L, 60_000L, 12);
        assertThat(back).containsExactly(100, 100, 100, 100, 100, 200, 200, 200, 200, 200, 300, 300);
    }

    @Test
    void tenMinuteStepsSpreadOverTwoFiveMinuteStepsAndComeBackAsTheirMean() {
        double[] tenMinutes = {4, 8, 6};
        double[] grid = SeriesResampler.toOriginAlignedGrid(tenMinutes, 600_000L, 300_000L);
        assertThat(grid).containsExactly(4, 4, 8, 8, 6, 6);
        assertThat(SeriesResampler.gridHorizon(6, 600_000L, 300_000L)).isEqualTo(12);
        double[] five = new double[12];
        for (int k = 0; k < five.length; k++) {
            five[k] = k; // 0..11: the k-th five minutes after the origin
        }
        double[] back = SeriesResampler.gridToSteps(five, 300_000L, 600_000L, 6);
        // ten-minute step h covers five-minute steps 2h and 2h+1, not step h
        assertThat(back).containsExactly(0.5, 2.5, 4.5, 6.5, 8.5, 10.5);
    }

    @Test
    void unevenStepsAreWeightedByOverlapAndNothingAfterTheOriginIsUsed() {
        // 7-minute steps onto 5 minutes: the last bucket [-5, 0) lies inside the last step [-7, 0)
        double[] seven = {1, 2, 3};
        double[] grid = SeriesResampler.toOriginAlignedGrid(seven, 420_000L, 300_000L);
        assertThat(grid[grid.length - 1]).isEqualTo(3.0);
        // bucket [-10, -5): 3 min of step [-14,-7) (value 2) and 2 min of [-7,0) (value 3)
        assertThat(grid[grid.length - 2]).isCloseTo((3 * 2 + 2 * 3) / 5.0, within(1e-12));
        double[] back = SeriesResampler.gridToSteps(new double[] {10, 20, 30}, 300_000L, 420_000L, 2);
        // [0,7): 5 min of 10, 2 min of 20; [7,14): 3 min of 20, 4 min of 30
        assertThat(back[0]).isCloseTo((5 * 10 + 2 * 20) / 7.0, within(1e-12));
        assertThat(back[1]).isCloseTo((3 * 20 + 4 * 30) / 7.0, within(1e-12));
    }
}
