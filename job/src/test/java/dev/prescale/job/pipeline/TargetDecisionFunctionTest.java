package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TargetDecisionFunctionTest {

    /** What the decider was asked, in order. */
    record Call(String target, long at, List<ResourceOutlook> outlooks, int measuredInService) {}

    static final List<Call> CALLS = new CopyOnWriteArrayList<>();

    /** Decides "desired = ceil(cpu p50 of step 1)" and records its inputs. */
    static final class RecordingDecider implements TargetDecider {
        private static final long serialVersionUID = 1L;

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

    private static KeyedTwoInputStreamOperatorTestHarness<String, GroupForecast, Utilization, ScalingDecision> harness() throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new TargetDecisionFunction(new RecordingDecider())),
                (GroupForecast f) -> f.target, (Utilization u) -> u.target, Types.STRING);
        h.open();
        return h;
    }

    private static List<ScalingDecision> decisions(KeyedTwoInputStreamOperatorTestHarness<String, GroupForecast, Utilization, ScalingDecision> h) {
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
            h.processElement1(forecast("a", 2000, 1, 2.5), 1999);
            h.processElement1(forecast("b", 2000, 2, 1.0), 1999);
            assertThat(decisions(h)).isEmpty();
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1999));
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
    void utilizationAppliesAtItsEventTimeAndFeedsErrorAndAllocation() throws Exception {
        CALLS.clear();
        try (var h = harness()) {
            h.processElement1(forecast("a", 2000, 1, 2.0), 1999);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1999));
            // Measured after the next decision time: must not be visible to the decision at 3000.
            Utilization later = new Utilization(3500, "web");
            later.inService = 9;
            later.cpu = 3.0;
            h.processElement2(later, 3500);
            Utilization now = new Utilization(2500, "web");
            now.inService = 4;
            now.cpu = 3.0; // the forecast for [2000, 3000) said 2.0: relative error 1/3
            h.processElement2(now, 2500);
            h.processElement1(forecast("a", 3000, 2.0, 2.0), 2999);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(2999));
            Call second = CALLS.get(1);
            assertThat(second.measuredInService()).isEqualTo(4);
            // Observed 2.0 against the forecast 2.0: no error; utilization needs 3 samples first.
            assertThat(second.outlooks().get(0).recentError()).isEqualTo(0.0);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(3600));
            h.processElement1(forecast("a", 4000, 2.0, 2.0), 3999);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(3999));
            assertThat(CALLS.get(2).measuredInService()).isEqualTo(9);
        }
    }

    @Test
    void errorAgainstObservedDemandOfTheNextWindow() throws Exception {
        CALLS.clear();
        try (var h = harness()) {
            h.processElement1(forecast("a", 2000, 1, 4.0), 1999);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(1999));
            h.processElement1(forecast("a", 3000, 2.0, 2.0), 2999); // forecast said 4, observed 2
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(2999));
            assertThat(CALLS.get(1).outlooks().get(0).recentError()).isEqualTo(1.0);
        }
    }
}
