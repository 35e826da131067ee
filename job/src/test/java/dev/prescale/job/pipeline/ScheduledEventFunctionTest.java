package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.util.Map;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;
import java.util.List;

class ScheduledEventFunctionTest {

    private static GroupForecast forecast(String group) {
        GroupForecast f = new GroupForecast();
        f.group = group;
        f.windowEnd = 10_000;
        f.stepMillis = 1000;
        f.observed = new double[4];
        f.p10 = new double[4][4];
        f.p50 = new double[4][4];
        f.p90 = new double[4][4];
        f.note = "";
        return f;
    }

    @Test
    void addsExtraDemandToTheOverlappingStepsOfItsGroupOnly() throws Exception {
        var op = new CoBroadcastWithKeyedOperator<>(new ScheduledEventFunction(), List.of(ScheduledEventFunction.EVENTS));
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, GroupForecast, ScheduledEvent, GroupForecast>(
                op, f -> f.group, e -> "", Types.STRING)) {
            h.open();
            // Steps: [10,11) [11,12) [12,13) [13,14) s; the event covers [11.5, 13).
            h.processElement2(new StreamRecord<>(new ScheduledEvent("sale", "a", 11_500, 13_000, Map.of(ResourceType.CPU, 5.0))));
            h.processElement1(new StreamRecord<>(forecast("a"), 9_999));
            h.processElement1(new StreamRecord<>(forecast("b"), 9_999));
            GroupForecast a = (GroupForecast) ((StreamRecord<?>) h.getOutput().poll()).getValue();
            GroupForecast b = (GroupForecast) ((StreamRecord<?>) h.getOutput().poll()).getValue();
            assertThat(a.p50[ResourceType.CPU.ordinal()]).containsExactly(0, 5, 5, 0);
            assertThat(a.p90[ResourceType.CPU.ordinal()]).containsExactly(0, 5, 5, 0);
            assertThat(a.p50[ResourceType.MEMORY.ordinal()]).containsExactly(0, 0, 0, 0);
            assertThat(a.note).contains("sale");
            assertThat(b.p50[ResourceType.CPU.ordinal()]).containsExactly(0, 0, 0, 0);
        }
    }
}
