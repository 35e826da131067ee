package dev.prescale.job.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a forked run's line is read back by the parent benchmark, and options that no longer exist. */
class JobBenchmarkTest {

    private static final String LINE = "run=2 job=whole parallelism=1 records=15000000 seconds=40.81 (startup 1.24) eps=367585"
            + " eps_after_restore=582805 (all tasks RUNNING 25.74 s before the end, 13867092 records read since) cpu_s=64.0"
            + " eps_after_warmup=626896 (10000000 records of the windows after the warm-up in 15.95 s) dead_letters=0";

    @Test
    void readsAFieldByItsWholeName() {
        assertThat(JobBenchmark.field(LINE, "eps")).isEqualTo(367585);
        assertThat(JobBenchmark.field(LINE, "eps_after_warmup")).isEqualTo(626896);
        assertThat(JobBenchmark.field(LINE, "cpu_s")).isEqualTo(64.0);
        assertThat(JobBenchmark.field(LINE, "run")).isEqualTo(2);
    }

    @Test
    void aMissingFieldIsAnError() {
        assertThatThrownBy(() -> JobBenchmark.field(LINE, "warmup")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JobBenchmark.field(LINE, "decisions")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theElementQueueOptionFailsAsTheKafkaSourceIgnoresIt() {
        assertThatThrownBy(() -> JobBenchmark.rejectRemovedOptions(Map.of("groups", "10", "element-queue", "16")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KafkaSource ignores");
        JobBenchmark.rejectRemovedOptions(Map.of("groups", "10", "max-poll-records", "2000"));
    }
}
