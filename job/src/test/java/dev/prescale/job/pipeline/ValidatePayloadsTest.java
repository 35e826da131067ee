package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.json.UtilizationValidator;
import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Utilization;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ValidatePayloadsTest {

    @Test
    void aUserFieldInADeadLetteredSideTopicPayloadIsRedacted() throws Exception {
        UtilizationValidator v = new UtilizationValidator("utilization");
        try (OneInputStreamOperatorTestHarness<String, Utilization> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ValidatePayloads<Utilization>(v::validate)))) {
            h.open();
            // A misrouted interaction, a bad utilization record with a user, and one cut off after the user id.
            h.processElement("{\"ts\":1000,\"user\":\"alice-raw\",\"group\":\"g\",\"kind\":\"UI\"}", 0);
            h.processElement("{\"ts\":1000,\"target\":\"web\",\"user\":\"bob-raw\",\"cpu\":\"high\"}", 0);
            h.processElement("{\"ts\":1000,\"user\":\"carol-raw", 0);
            List<DeadLetter> dead = new ArrayList<>();
            for (StreamRecord<DeadLetter> r : h.getSideOutput(DeadLetters.TAG)) {
                dead.add(r.getValue());
            }
            assertThat(dead).hasSize(3);
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.payload).doesNotContain("-raw").contains(ValidatePayloads.REDACTED);
                assertThat(d.reason).isNotBlank();
            });
        }
    }
}
