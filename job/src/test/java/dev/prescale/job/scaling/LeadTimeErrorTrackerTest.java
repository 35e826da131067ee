package dev.prescale.job.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class LeadTimeErrorTrackerTest {

    static final long HOUR = 3_600_000L;

    @Test
    void windowIsOneDayOfStepsAndTheMinimumCountAtMostTwelve() {
        LeadTimeErrorTracker fiveMinutes = LeadTimeErrorTracker.forStep(300_000L, 3);
        assertThat(fiveMinutes.window).isEqualTo(288);
        assertThat(fiveMinutes.minCount).isEqualTo(12);
        assertThat(fiveMinutes.pendingDue).hasSize(4);
        LeadTimeErrorTracker sixHours = LeadTimeErrorTracker.forStep(6 * HOUR, 0);
        assertThat(sixHours.window).isEqualTo(4);
        assertThat(sixHours.minCount).isEqualTo(4);
        assertThat(LeadTimeErrorTracker.forStep(2 * 24 * HOUR, 0).window).isEqualTo(1);
        // Rounded like Trace.stepsPerDay: a 7-minute step has 205.7 steps a day.
        assertThat(LeadTimeErrorTracker.stepsPerDay(420_000L)).isEqualTo(206);
    }

    @Test
    void scoresTheLeadStepOfEachForecastWhenThatStepIsObserved() {
        LeadTimeErrorTracker t = LeadTimeErrorTracker.forStep(6 * HOUR, 2); // 4 steps a day, 4 needed
        // After step s the forecast says 100 for steps s+1, s+2 and 8 for s+3 (the lead step).
        for (int s = 0; s < 7; s++) {
            t.observe(s, 10);
            if (s < 6) {
                // Scores start at step 3; four are known at step 6.
                assertThat(t.relativeError()).as("step %d", s).isNaN();
            }
            t.expectAfter(s, new double[] {100, 100, 8});
        }
        assertThat(t.count()).isEqualTo(4);
        assertThat(t.relativeError()).isCloseTo(0.2, within(1e-12)); // |10 - 8| / 10, not |10 - 100| / 10
    }

    @Test
    void theErrorIsTheMeanOverTheLastDayOfScoredSteps() {
        LeadTimeErrorTracker t = LeadTimeErrorTracker.forStep(HOUR, 1); // 24 a day, 12 needed
        Random r = new Random(7);
        double[] p50 = new double[200];
        List<double[]> scored = new ArrayList<>(); // {|a - f|, |a|}, computed here independently
        for (int s = 0; s < 200; s++) {
            double actual = r.nextDouble() < 0.05 ? Double.NaN : 50 + 30 * r.nextGaussian();
            t.observe(s, actual);
            if (s >= 2 && Double.isFinite(actual) && Double.isFinite(p50[s - 2])) {
                scored.add(new double[] {Math.abs(actual - p50[s - 2]), Math.abs(actual)});
            }
            double expected = Double.NaN;
            if (scored.size() >= 12) {
                double e = 0;
                double a = 0;
                for (double[] x : scored.subList(Math.max(0, scored.size() - 24), scored.size())) {
                    e += x[0];
                    a += x[1];
                }
                expected = e / a;
            }
            if (Double.isNaN(expected)) {
                assertThat(t.relativeError()).as("step %d", s).isNaN();
            } else {
                assertThat(t.relativeError()).as("step %d", s).isCloseTo(expected, within(1e-9));
            }
            p50[s] = r.nextDouble() < 0.05 ? Double.NaN : 50 + 30 * r.nextGaussian();
            t.expectAfter(s, new double[] {-1, p50[s]});
        }
        assertThat(scored.size()).isGreaterThan(150);
        assertThat(t.count()).isEqualTo(24);
    }

    @Test
    void aStepNeverObservedIsNotScoredLaterAndAShortForecastIsNotScoredAtAll() {
        LeadTimeErrorTracker t = LeadTimeErrorTracker.forStep(2 * 24 * HOUR, 1); // window 1, 1 needed
        t.expectAfter(0, new double[] {5, 5}); // for step 2
        t.expectAfter(1, new double[] {7, 7}); // for step 3
        t.observe(3, 10); // step 2 was never observed: its forecast is dropped
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.relativeError()).isCloseTo(0.3, within(1e-12));
        t.expectAfter(3, new double[] {9}); // no value at the lead
        t.observe(5, 10);
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.relativeError()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void aNewerForecastForAWaitingStepReplacesTheOlderOne() {
        LeadTimeErrorTracker t = LeadTimeErrorTracker.forStep(2 * 24 * HOUR, 0);
        t.expect(4, 1);
        t.expect(4, 9);
        t.observe(4, 10);
        assertThat(t.count()).isEqualTo(1);
        assertThat(t.relativeError()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void zeroActualsMakeAnyErrorAFullMiss() {
        LeadTimeErrorTracker t = LeadTimeErrorTracker.forStep(2 * 24 * HOUR, 0);
        t.expect(1, 0);
        t.observe(1, 0);
        assertThat(t.relativeError()).isEqualTo(0.0);
        t.expect(2, 3);
        t.observe(2, 0);
        assertThat(t.relativeError()).isEqualTo(1.0);
    }

    @Test
    void isAFlinkPojoAndKeepsMeasuringAfterASerializationRoundTrip() throws Exception {
        TypeInformation<LeadTimeErrorTracker> info = TypeInformation.of(LeadTimeErrorTracker.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<LeadTimeErrorTracker> serializer = info.createSerializer(new SerializerConfigImpl());

        LeadTimeErrorTracker a = LeadTimeErrorTracker.forStep(HOUR, 2);
        LeadTimeErrorTracker b = LeadTimeErrorTracker.forStep(HOUR, 2);
        Random r = new Random(3);
        for (int s = 0; s < 60; s++) {
            double actual = 20 + r.nextDouble() * 10;
            double[] p50 = {r.nextDouble() * 30, r.nextDouble() * 30, r.nextDouble() * 30};
            a.observe(s, actual);
            b.observe(s, actual);
            a.expectAfter(s, p50);
            b.expectAfter(s, p50);
            if (s % 7 == 0) {
                DataOutputSerializer out = new DataOutputSerializer(256);
                serializer.serialize(b, out);
                b = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            }
            // Bit for bit, NaN included.
            assertThat(Double.doubleToLongBits(b.relativeError())).as("step %d", s).isEqualTo(Double.doubleToLongBits(a.relativeError()));
        }
        assertThat(a.relativeError()).isFinite();
    }
}
