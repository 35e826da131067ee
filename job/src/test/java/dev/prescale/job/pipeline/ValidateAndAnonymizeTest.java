package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.DeadLetter;
import dev.prescale.connectors.records.Interaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateAndAnonymizeTest {

    private static final long NOW = 1_767_225_600_000L;
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path tmp;

    private OneInputStreamOperatorTestHarness<String, Interaction> harness(long skew, boolean stamped) throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "validate-test-secret-0123456789\n");
        OneInputStreamOperatorTestHarness<String, Interaction> h = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ValidateAndAnonymize("interactions", new HmacKeySource("UNUSED", key.toString()), skew, stamped)));
        h.open();
        h.setProcessingTime(NOW);
        return h;
    }

    private static String payload(long ts, String user) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"g\",\"kind\":\"UI\",\"cpuMillis\":5}";
    }

    private static List<Interaction> valid(OneInputStreamOperatorTestHarness<String, Interaction> h) {
        List<Interaction> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                l.add((Interaction) r.getValue());
            }
        }
        return l;
    }

    private static List<DeadLetter> dead(OneInputStreamOperatorTestHarness<String, Interaction> h) {
        List<DeadLetter> l = new ArrayList<>();
        var q = h.getSideOutput(DeadLetters.TAG);
        if (q != null) {
            q.forEach(r -> l.add(r.getValue()));
        }
        return l;
    }

    @Test
    void aRecordBeyondTheClockSkewIsDeadLetteredWithItsReasonAndNoRawUser() throws Exception {
        try (var h = harness(HOUR, false)) {
            h.processElement(new StreamRecord<>(payload(NOW + HOUR, "alice")));
            h.processElement(new StreamRecord<>(payload(NOW + HOUR + 1, "bob")));
            h.processElement(new StreamRecord<>(payload(NOW + 300 * 24 * HOUR, "carol")));
            assertThat(valid(h)).extracting(i -> i.ts).containsExactly(NOW + HOUR);
            List<DeadLetter> d = dead(h);
            assertThat(d).hasSize(2);
            assertThat(d).allSatisfy(l -> {
                assertThat(l.reason).contains("ahead of processing time").contains("window.maxClockSkew");
                assertThat(l.payload).doesNotContain("bob").doesNotContain("carol");
            });
        }
    }

    @Test
    void theSkewIsJudgedAgainstTheCurrentProcessingTimeThoughTheClockIsNotReadPerRecord() throws Exception {
        try (var h = harness(HOUR, false)) {
            h.processElement(new StreamRecord<>(payload(NOW, "alice")));
            h.setProcessingTime(NOW + 10 * HOUR);
            // Beyond the skew of the earlier reading, within that of the current time: the clock is read again.
            h.processElement(new StreamRecord<>(payload(NOW + 10 * HOUR + HOUR, "bob")));
            h.processElement(new StreamRecord<>(payload(NOW + 11 * HOUR + 1, "carol")));
            assertThat(valid(h)).extracting(i -> i.ts).containsExactly(NOW, NOW + 11 * HOUR);
            assertThat(dead(h)).singleElement().satisfies(l -> {
                assertThat(l.reason).contains("ahead of processing time " + (NOW + 10 * HOUR));
                assertThat(l.ts).isEqualTo(NOW + 10 * HOUR);
            });
        }
    }

    @Test
    void withTheGuardOffFutureRecordsPass() throws Exception {
        try (var h = harness(0, false)) {
            h.processElement(new StreamRecord<>(payload(NOW + 300 * 24 * HOUR, "carol")));
            assertThat(valid(h)).hasSize(1);
            assertThat(dead(h)).isEmpty();
        }
    }

    @Test
    void whenTheSourceStampedEventTimeTheRecordKeepsItAndAMismatchIsDeadLettered() throws Exception {
        try (var h = harness(HOUR, true)) {
            String p = payload(NOW - 1000, "alice");
            // As the source does: validate and stamp, then the chained operator takes the result.
            h.processElement(new StreamRecord<>(p, new SourceValidation.TimestampAssigner("interactions").extractTimestamp(p, 0)));
            h.processElement(new StreamRecord<>(payload(NOW - 2000, "bob"), NOW - 5000));
            List<Interaction> ok = valid(h);
            assertThat(ok).extracting(i -> i.ts).containsExactly(NOW - 1000);
            assertThat(((StreamRecord<?>) h.getOutput().peek()).getTimestamp()).isEqualTo(NOW - 1000);
            assertThat(ok.get(0).user).isNotEqualTo("alice");
            assertThat(dead(h)).singleElement().satisfies(l -> assertThat(l.reason).contains("differs from the event time"));
        }
    }
}
