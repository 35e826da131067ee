package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TargetDecisionFunctionTest {

    /** What the decider was asked, in order. */
    record Call(String target, long at, List<ResourceOutlook> outlooks, int measuredInService) {}

    static final List<Call> CALLS = new CopyOnWriteArrayList<>();

    /** Decides "desired = ceil(cpu p50 of step 1)" and records its inputs; its cold lead is given. */
    static final class RecordingDecider implements TargetDecider {
        private static final long serialVersionUID = 1L;
        private final long coldLeadSeconds;

        RecordingDecider(long coldLeadSeconds) {
            this.coldLeadSeconds = coldLeadSeconds;
        }

        @Override
        public long coldLaunchLeadSeconds(String target) {
            return coldLeadSeconds;
        }

        @Override
        public ScalingDecision decide(String target, long decisionMillis, List<ResourceOutlook> outlooks, TargetState state) {
            CALLS.add(new Call(target, decisionMillis, outlooks, state.measuredInService));
            ScalingDecision d = new ScalingDecision();
            d.desiredCapacity = (int) Math.ceil(outlooks.get(ResourceType.CPU.ordinal()).forecast().p50()[0]);
            d.reason = "test";
            state.lastDesired = d.desiredCapacity;
            return d;
        }
    }

    private static GroupForecast forecast(String group, long end, double observedCpu, double p50) {
        GroupForecast f = new GroupForecast();
        f.group = group;
        f.target = "web";
        f.windowEnd = end;
        f.stepMillis = 1000;
        f.historySteps = 10;
        f.observed = new double[] {observedCpu, 0, 0, 0};
        f.p10 = new double[4][];
        f.p50 = new double[4][];
        f.p90 = new double[4][];
        for (int r = 0; r < 4; r++) {
            double v = r == 0 ? p50 : 0;
            f.p10[r] = new double[] {v, v};
            f.p50[r] = new double[] {v, v};
            f.p90[r] = new double[] {v, v};
        }
        f.model = "m/1";
        f.note = "";
        return f;
    }

    /**
     * One group's forecast for an hourly window ending at hour {@code k + 1} (window number k): CPU
     * observed {@code observedCpu}, p50 {@code first} for the next window and {@code atLead} for
     * every later one; other resources zero.
     */
    private static GroupForecast hourly(int k, double observedCpu, double first, double atLead) {
        GroupForecast f = forecast("a", (k + 1) * HOUR, observedCpu, first);
        f.stepMillis = HOUR;
        for (int r = 0; r < 4; r++) {
            double[] cpu = {first, atLead, atLead};
            double[] zero = {0, 0, 0};
            f.p10[r] = r == 0 ? cpu.clone() : zero.clone();
            f.p50[r] = r == 0 ? cpu.clone() : zero.clone();
            f.p90[r] = r == 0 ? cpu.clone() : zero.clone();
        }
        return f;
    }

    static final long HOUR = 3_600_000L;

    private static KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> harness() throws Exception {
        return harness(0);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> harness(long coldLeadSeconds)
            throws Exception {
        return harness(new RecordingDecider(coldLeadSeconds));
    }

    /** The decision function with this decider in an opened keyed harness (heap state). */
    static KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> harness(TargetDecider decider)
            throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new TargetDecisionFunction(decider)),
                (TargetPartial p) -> p.target, (Utilization u) -> u.target, Types.STRING);
        h.open();
        return h;
    }

    /** The decisions in a harness's output, in order. */
    static List<ScalingDecision> decisions(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h) {
        List<ScalingDecision> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                l.add((ScalingDecision) ((StreamRecord<?>) o).getValue());
            }
        }
        return l;
    }

    @Test
    void sumsTheGroupsOfAWindowAndDecidesInEventTimeAtTheWindowEnd() throws Exception {
        CALLS.clear();
        try (var h = harness()) {
            h.processElement1(TargetPartial.of(forecast("a", 2000, 1, 2.5)), 1999);
            h.processElement1(TargetPartial.of(forecast("b", 2000, 2, 1.0)), 1999);
            assertThat(decisions(h)).isEmpty();
            h.processBothWatermarks(new Watermark(1999));
            List<ScalingDecision> d = decisions(h);
            assertThat(d).hasSize(1);
            assertThat(d.get(0).target).isEqualTo("web");
            assertThat(d.get(0).timestamp).isEqualTo(2000);
            assertThat(d.get(0).desiredCapacity).isEqualTo(4); // ceil(2.5 + 1.0)
            assertThat(d.get(0).modelVersion).isEqualTo("m/1");
            Call c = CALLS.get(0);
            assertThat(c.at()).isEqualTo(2000);
            ResourceOutlook cpu = c.outlooks().get(0);
            assertThat(cpu.observed()).isEqualTo(3.0);
            assertThat(cpu.forecast().originMillis()).isEqualTo(2000);
            assertThat(cpu.recentError()).isNaN();
            // Pending window state is gone once decided.
            assertThat(h.numKeyedStateEntries()).isEqualTo(2); // target state and errors
        }
    }

    @Test
    void utilizationAppliesAtItsEventTimeAndSetsTheMeasuredCount() throws Exception {
        CALLS.clear();
        try (var h = harness()) {
            h.processElement1(TargetPartial.of(forecast("a", 2000, 1, 2.0)), 1999);
            h.processBothWatermarks(new Watermark(1999));
            // Measured after the next decision time: must not be visible to the decision at 3000.
            Utilization later = new Utilization(3500, "web");
            later.inService = 9;
            later.cpu = 3.0;
            h.processElement2(later, 3500);
            Utilization now = new Utilization(2500, "web");
            now.inService = 4;
            now.cpu = 3.0;
            h.processElement2(now, 2500);
            h.processElement1(TargetPartial.of(forecast("a", 3000, 2.0, 2.0)), 2999);
            h.processBothWatermarks(new Watermark(2999));
            Call second = CALLS.get(1);
            assertThat(second.measuredInService()).isEqualTo(4);
            // One scored window (and one utilization record) is far from the minimum of 12.
            assertThat(second.outlooks().get(0).recentError()).isNaN();
            h.processBothWatermarks(new Watermark(3600));
            h.processElement1(TargetPartial.of(forecast("a", 4000, 2.0, 2.0)), 3999);
            h.processBothWatermarks(new Watermark(3999));
            assertThat(CALLS.get(2).measuredInService()).isEqualTo(9);
        }
    }

    /**
     * The error is the offline replay's: each decision's p50 at the cold lead (2 h = 2 hourly windows
     * ahead, index 2) is scored when that window is observed, NaN until 12 are scored, then the mean
     * over the last day (24 windows). The next-window p50 (index 0) is deliberately always right,
     * so a one-step error would be 0.
     */
    @Test
    void errorAgainstObservedDemandAtTheColdLeadOverTheLastDay() throws Exception {
        CALLS.clear();
        int windows = 60;
        double[] observed = new double[windows];
        double[] atLead = new double[windows];
        for (int k = 0; k < windows; k++) {
            observed[k] = 10 + (k % 5);
            atLead[k] = 10 + (k % 7) - 2;
        }
        try (var h = harness(2 * 3600)) {
            for (int k = 0; k < windows; k++) {
                double nextObserved = k + 1 < windows ? observed[k + 1] : 0;
                h.processElement1(TargetPartial.of(hourly(k, observed[k], nextObserved, atLead[k])), (k + 1) * HOUR - 1);
                h.processBothWatermarks(new Watermark((k + 1) * HOUR - 1));
            }
        }
        assertThat(CALLS).hasSize(windows);
        for (int k = 0; k < windows; k++) {
            // Window k scores the forecast made after window k - 3 (for windows k-2, k-1, k; index 2 is window k).
            int scored = Math.max(0, k - 2);
            double expected = Double.NaN;
            if (scored >= 12) {
                double err = 0;
                double abs = 0;
                for (int j = Math.max(3, k - 23); j <= k; j++) {
                    err += Math.abs(observed[j] - atLead[j - 3]);
                    abs += observed[j];
                }
                expected = err / abs;
            }
            double actual = CALLS.get(k).outlooks().get(0).recentError();
            if (Double.isNaN(expected)) {
                assertThat(actual).as("window %d", k).isNaN();
            } else {
                assertThat(actual).as("window %d", k).isCloseTo(expected, within(1e-9));
            }
        }
        assertThat(CALLS.get(windows - 1).outlooks().get(0).recentError()).isGreaterThan(0.05);
    }

    /**
     * Utilization scores the same lead-time forecast for the window that contains the record (the
     * first record of a window); once 12 are scored its error replaces the one against observed demand.
     */
    @Test
    void utilizationErrorAtTheColdLeadReplacesTheObservedOneOnceKnown() throws Exception {
        CALLS.clear();
        int windows = 20;
        try (var h = harness(3600)) { // lead 1 window: the forecast after window k says 8 for k + 2
            for (int k = 0; k < windows; k++) {
                long end = (k + 1) * HOUR;
                Utilization u = new Utilization(end - HOUR + 60_000, "web");
                u.cpu = 10.0; // |10 - 8| / 10 = 0.2 once scored
                h.processElement2(u, u.ts);
                Utilization second = new Utilization(end - HOUR + 120_000, "web");
                second.cpu = 1000.0; // the window was scored by the first record already
                h.processElement2(second, second.ts);
                h.processElement1(TargetPartial.of(hourly(k, 8.0, 8.0, 8.0)), end - 1); // observed equals every forecast
                h.processBothWatermarks(new Watermark(end - 1));
            }
        }
        for (int k = 0; k < windows; k++) {
            double e = CALLS.get(k).outlooks().get(0).recentError();
            // Observed-demand error: windows 2.. are scored, 12 known at window 13, all exact (0).
            // Utilization: the same windows, with error 0.2.
            if (k < 13) {
                assertThat(e).as("window %d", k).isNaN();
            } else {
                assertThat(e).as("window %d", k).isCloseTo(0.2, within(1e-12));
            }
        }
    }

    @Test
    void withoutUtilizationTheObservedErrorIsUsed() throws Exception {
        CALLS.clear();
        try (var h = harness(3600)) {
            for (int k = 0; k < 20; k++) {
                h.processElement1(TargetPartial.of(hourly(k, 10.0, 10.0, 9.0)), (k + 1) * HOUR - 1);
                h.processBothWatermarks(new Watermark((k + 1) * HOUR - 1));
            }
        }
        assertThat(CALLS.get(12).outlooks().get(0).recentError()).isNaN();
        assertThat(CALLS.get(13).outlooks().get(0).recentError()).isCloseTo(0.1, within(1e-12));
        assertThat(CALLS.get(19).outlooks().get(0).recentError()).isCloseTo(0.1, within(1e-12));
    }
}
