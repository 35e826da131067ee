package dev.prescale.models.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.models.ForecastRequest;
import dev.prescale.models.trace.Trace;
import org.junit.jupiter.api.Test;

class EvaluationTaskTest {

    static Trace trace(int days, long stepSeconds, long startMillis) {
        int n = (int) (days * 86_400L / stepSeconds);
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = startMillis + i * stepSeconds * 1000L;
            v[i] = 100 + 50 * Math.sin(2 * Math.PI * i * stepSeconds / 86_400.0) + (i % 7);
        }
        return new Trace("synthetic.csv", "value", t, v, stepSeconds * 1000L, 0);
    }

    @Test
    void h1OriginsEveryFourHoursFromDayThreeWithWholeHorizonInside() {
        Trace tr = trace(4, 300, 1_600_000_000_000L);
        EvaluationTask.Setup s = EvaluationTask.H1.setup(tr);
        assertThat(s.horizon()).isEqualTo(12);
        assertThat(s.originMillis(0)).isEqualTo(1_600_000_000_000L + 3 * 86_400_000L);
        assertThat(s.originMillis(1) - s.originMillis(0)).isEqualTo(4 * 3_600_000L);
        // the last step of the last origin's horizon is inside the trace
        int k = s.originIndex().length - 1;
        assertThat(s.originIndex()[k] + s.horizon() - 1).isLessThan(tr.size());
        ForecastRequest r = s.request("x", 0);
        assertThat(r.history()).hasSize(s.originIndex()[0]);
        assertThat(r.history()[r.history().length - 1]).isEqualTo(tr.values()[s.originIndex()[0] - 1]);
    }

    @Test
    void h24UsesCalendarHourlyMeansAndMidnightOrigins() {
        // start at 00:30 UTC: the first hour is partial
        long start = 1_600_041_600_000L + 30 * 60_000L; // 2020-09-14 00:30 UTC
        Trace tr = trace(5, 600, start);
        EvaluationTask.Setup s = EvaluationTask.H24.setup(tr);
        assertThat(s.stepMillis()).isEqualTo(3_600_000L);
        assertThat(s.series()[0]).isEqualTo((tr.values()[0] + tr.values()[1] + tr.values()[2]) / 3);
        assertThat(s.originMillis(0) % 86_400_000L).isZero();
        assertThat(s.originMillis(0)).isGreaterThanOrEqualTo(start + 3 * 86_400_000L);
        assertThat(s.horizon()).isEqualTo(24);
    }
}
