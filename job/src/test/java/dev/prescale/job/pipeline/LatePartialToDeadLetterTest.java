package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.DeadLetter;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A partial that reaches its window too late goes to the side output and becomes a dead letter, not nothing. */
class LatePartialToDeadLetterTest {

    private static final long W = 60_000;

    @Test
    @SuppressWarnings("unchecked")
    void aLatePartialAtTheWindowIsDeadLetteredWithItsSumsAndNoUserHashes() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OneInputTransformation<PartialDemand, GroupWindow> t = (OneInputTransformation<PartialDemand, GroupWindow>) DemandWindows
                .fromPartials(env.fromData(TypeInformation.of(PartialDemand.class), new PartialDemand("g", 0)), W, 0).getTransformation();
        PartialDemand p = new PartialDemand("checkout", 0);
        p.sums.cpuMillis = 1234.5;
        p.sums.apiCalls = 3;
        p.sums.users.add("pseudonym-1");
        p.sums.users.add("pseudonym-2");
        List<StreamRecord<PartialDemand>> late;
        try (KeyedOneInputStreamOperatorTestHarness<String, PartialDemand, GroupWindow> window = new KeyedOneInputStreamOperatorTestHarness<>(
                t.getOperator(), (KeySelector<PartialDemand, String>) t.getStateKeySelector(), Types.STRING)) {
            window.open();
            window.processWatermark(W - 1); // window 0 is closed, lateness 0: late
            window.processElement(p, W - 1);
            assertThat(window.extractOutputValues()).isEmpty();
            late = List.copyOf(window.getSideOutput(DemandWindows.LATE_PARTIALS));
        }
        assertThat(late).hasSize(1);

        try (OneInputStreamOperatorTestHarness<PartialDemand, DeadLetter> dlq =
                new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new LatePartialToDeadLetter("interactions")))) {
            dlq.open();
            dlq.processElement(late.get(0));
            List<DeadLetter> out = dlq.extractOutputValues();
            assertThat(out).hasSize(1);
            DeadLetter d = out.get(0);
            assertThat(d.sourceTopic).isEqualTo("interactions");
            assertThat(d.reason).startsWith("late: pre-aggregated sums");
            assertThat(d.payload).contains("\"group\":\"checkout\"", "\"cpuMillis\":1234.5", "\"apiCalls\":3", "\"distinctUsers\":2");
            for (String id : p.sums.users.ids()) {
                assertThat(d.payload).doesNotContain(id);
            }
            assertThat(d.payload).doesNotContain(Long.toString(p.sums.users.hashes[0]));
        }
    }
}
