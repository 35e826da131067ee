package dev.prescale.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.config.PrescaleConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.api.Test;

/** The Flink settings the job adds to its configuration, and that a setting under {@code flink:} wins. */
class FlinkConfigurationTest {

    private static final String TIMERS = "state.backend.rocksdb.timer-service.factory";

    @Test
    void defaultsReuseObjectsKeepTimersInTheHeapFilterLookupsCheckpointIncrementallyAndRequireUids() {
        Configuration f = PrescaleJob.flinkConfiguration(new PrescaleConfig());
        assertThat(f.get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(f.getString(TIMERS, null)).isEqualTo("HEAP");
        assertThat(f.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(f.getString("state.backend.rocksdb.memory.partitioned-index-filters", null)).isEqualTo("true");
        assertThat(f.getString("state.backend.rocksdb.use-bloom-filter", null)).isEqualTo("true");
        assertThat(f.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(f.getString("taskmanager.network.memory.max-buffers-per-channel", null)).isEqualTo("100");
        assertThat(f.getString("taskmanager.network.memory.floating-buffers-per-gate", null)).isEqualTo("100");
    }

    @Test
    void settingsUnderFlinkOverrideTheJobsDefaults() {
        PrescaleConfig c = new PrescaleConfig();
        c.flink.put("pipeline.object-reuse", "false");
        c.flink.put(TIMERS, "ROCKSDB");
        c.flink.put("execution.checkpointing.incremental", "false");
        Configuration f = PrescaleJob.flinkConfiguration(c);
        assertThat(f.get(PipelineOptions.OBJECT_REUSE)).isFalse();
        assertThat(f.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(f.getString(TIMERS, null)).isEqualTo("ROCKSDB");
    }
}
