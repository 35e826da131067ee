package dev.prescale.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardedForecasterTest {

    /** Forecasts a fixed value with a +-1 band, recording nothing but its calls. */
    record Constant(String name, double value) implements Forecaster {
        @Override
        public String version() {
            return name;
        }

        @Override
        public List<Forecast> forecast(List<ForecastRequest> requests) {
            List<Forecast> out = new ArrayList<>();
            for (ForecastRequest r : requests) {
                double[] p50 = new double[r.horizon()];
                double[] lo = new double[r.horizon()];
                double[] hi = new double[r.horizon()];
                java.util.Arrays.fill(p50, value);
                java.util.Arrays.fill(lo, value - 1);
                java.util.Arrays.fill(hi, value + 1);
                out.add(new Forecast(r.seriesId(), r.originMillis(), r.stepMillis(), lo, p50, hi, name, ""));
            }
            return out;
        }
    }

    @Test
    void switchesToTheBaselineWhenThePrimaryIsClearlyWorseAndMixesWhenClose() {
        // Actuals are always 100: the "bad" primary says 150, the baseline 100.
        GuardedForecaster g = new GuardedForecaster(new Constant("lstm", 150), new Constant("snaive", 100));
        Forecast last = null;
        for (int k = 0; k < 40; k++) {
            double[] history = new double[10 + k];
            java.util.Arrays.fill(history, 100);
            last = g.forecast(ForecastRequest.of("s", (10L + k) * 60_000L, 60_000L, history, 3));
            if (k == 0) {
                assertThat(last.note()).contains("too few scored points");
            }
        }
        assertThat(last.p50()[0]).isEqualTo(100.0);
        assertThat(last.note()).startsWith("guarded: snaive");
        double[] err = g.recentErrors("s");
        assertThat(err[0]).isGreaterThan(err[1]);

        GuardedForecaster close = new GuardedForecaster(new Constant("lstm", 101), new Constant("snaive", 99.2));
        for (int k = 0; k < 40; k++) {
            double[] history = new double[10 + k];
            java.util.Arrays.fill(history, 100);
            last = close.forecast(ForecastRequest.of("s", (10L + k) * 60_000L, 60_000L, history, 3));
        }
        assertThat(last.note()).startsWith("guarded: mix");
        assertThat(last.p50()[0]).isBetween(99.2, 101.0);
    }
}
