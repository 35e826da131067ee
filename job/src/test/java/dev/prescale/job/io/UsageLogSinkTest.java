package dev.prescale.job.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageLogSinkTest {

    static final long T0 = 1_767_225_600_000L; // 2026-01-01 00:00:00 UTC
    static final long W = 300_000;

    private static UsageRow row(String group, int window, double base) {
        ForecastTask t = new ForecastTask();
        t.group = group;
        t.stepMillis = W;
        t.windowEnd = T0 + (window + 1) * W;
        t.observed = new double[] {base, base + 1, base + 2, base + 3};
        return UsageRow.of(t);
    }

    @Test
    void writesOneTraceFilePerGroupAndResourceThatTheTrainerReads(@TempDir Path dir) throws Exception {
        String template = dir.resolve("usage/{group}.csv").toString();
        UsageLogSink sink = new UsageLogSink(template);
        try (SinkWriter<UsageRow> w = sink.createWriter(null)) {
            for (int i = 0; i < 3; i++) {
                w.write(row("checkout", i, 10 * i), null);
                w.write(row("_other", i, 100), null);
            }
            // A window emitted again (late records) is not written twice.
            w.write(row("checkout", 1, 999), null);
            w.flush(false);
        }
        Path cpu = dir.resolve("usage/checkout-cpu.csv");
        assertThat(Files.readAllLines(cpu)).containsExactly("timestamp,value",
                "2026-01-01 00:00:00,0.0", "2026-01-01 00:05:00,10.0", "2026-01-01 00:10:00,20.0");
        try (var files = Files.list(dir.resolve("usage"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).hasSize(8)
                    .contains("_other-network.csv", "checkout-storage.csv");
        }
        // The trainer's reader (scripts/train.sh --usage) sees the series as written.
        Trace t = new TraceReader().intervalSeconds(300).read(dir.resolve("usage/checkout-memory.csv"));
        assertThat(t.values()).containsExactly(1.0, 11.0, 21.0);
        assertThat(t.timesMillis()[0]).isEqualTo(T0);

        // After a restart (a new writer on the same files): no header again, no window twice.
        try (SinkWriter<UsageRow> w = sink.createWriter(null)) {
            w.write(row("checkout", 2, 555), null);
            w.write(row("checkout", 3, 30), null);
            w.flush(true);
        }
        assertThat(Files.readAllLines(cpu)).containsExactly("timestamp,value",
                "2026-01-01 00:00:00,0.0", "2026-01-01 00:05:00,10.0", "2026-01-01 00:10:00,20.0", "2026-01-01 00:15:00,30.0");
    }

    @Test
    void pathNamesTheResourceAndKeepsGroupNamesOutOfOtherDirectories() {
        assertThat(UsageLogSink.pathFor("/u/{group}.csv", "a/b c", ResourceType.CPU)).isEqualTo(Path.of("/u/a_b_c-cpu.csv"));
        assertThat(UsageLogSink.pathFor("/u/{group}", "g", ResourceType.NETWORK)).isEqualTo(Path.of("/u/g-network"));
        assertThatThrownBy(() -> new UsageLogSink("/u/usage.csv")).isInstanceOf(IllegalArgumentException.class);
        assertThat(List.of(ResourceType.values())).hasSize(4);
    }
}
