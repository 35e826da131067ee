package dev.prescale.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prescale.job.config.PrescaleConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;

/**
 * The Flink settings the job adds to its configuration, that a setting under {@code flink:} wins,
 * and that every Flink key this project writes (job defaults, shipped configs, the local and the
 * Docker cluster) is one Flink still declares: Flink ignores a key it does not know, silently.
 */
class FlinkConfigurationTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void defaultsReuseObjectsKeepTimersInTheHeapFilterLookupsCheckpointIncrementallyAndRequireUids() {
        Configuration f = PrescaleJob.flinkConfiguration(new PrescaleConfig());
        assertThat(f.get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(f.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).isEqualTo(PriorityQueueStateType.HEAP);
        assertThat(f.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(f.get(RocksDBOptions.USE_PARTITIONED_INDEX_FILTERS)).isTrue();
        assertThat(f.get(RocksDBConfigurableOptions.USE_BLOOM_FILTER)).isTrue();
        assertThat(f.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(f.contains(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isFalse(); // Flink's own, see PrescaleJob
    }

    @Test
    void settingsUnderFlinkOverrideTheJobsDefaults() {
        PrescaleConfig c = new PrescaleConfig();
        c.flink.put("pipeline.object-reuse", "false");
        c.flink.put(RocksDBOptions.TIMER_SERVICE_FACTORY.key(), "ROCKSDB");
        c.flink.put("execution.checkpointing.incremental", "false");
        c.flink.put("taskmanager.memory.segment-size", "64kb");
        Configuration f = PrescaleJob.flinkConfiguration(c);
        assertThat(f.get(PipelineOptions.OBJECT_REUSE)).isFalse();
        assertThat(f.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
        assertThat(f.get(RocksDBOptions.TIMER_SERVICE_FACTORY)).isEqualTo(PriorityQueueStateType.ROCKSDB);
        assertThat(f.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).isEqualTo(MemorySize.parse("64kb"));
    }

    @Test
    void aDeprecatedKeyUnderFlinkAlsoOverridesTheDefault() {
        PrescaleConfig c = new PrescaleConfig();
        c.flink.put("state.backend.incremental", "false"); // the deprecated key of execution.checkpointing.incremental
        assertThat(PrescaleJob.flinkConfiguration(c).get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    }

    @Test
    void everyKeyTheJobSetsIsOneFlinkDeclares() {
        Configuration f = PrescaleJob.flinkConfiguration(new PrescaleConfig());
        assertThat(f.keySet()).isNotEmpty().isSubsetOf(FlinkOptionKeys.declared());
    }

    @Test
    void theShippedConfigurationsSetOnlyKeysFlinkDeclares() throws IOException {
        for (String file : List.of("../config/prescale.yaml", "../config/demo.yaml")) {
            Map<String, String> flink = PrescaleConfig.load(Path.of(file)).flink;
            assertThat(flink.keySet()).as(file).isSubsetOf(FlinkOptionKeys.declared());
        }
    }

    @Test
    void theDockerClusterSetsOnlyKeysFlinkDeclares() throws IOException {
        JsonNode compose = YAML.readTree(Path.of("../docker-compose.yml").toFile());
        String properties = compose.path("x-flink-env").path("FLINK_PROPERTIES").asText();
        List<String> keys = new ArrayList<>();
        for (String line : properties.split("\n")) {
            if (!line.isBlank()) {
                keys.add(line.substring(0, line.indexOf(':')).trim());
            }
        }
        assertThat(keys).isSubsetOf(FlinkOptionKeys.declared()).contains("taskmanager.numberOfTaskSlots");
    }

    @Test
    void theLocalClusterOfTheDemoSetsOnlyKeysFlinkDeclares() throws IOException {
        // scripts/flink.sh writes the cluster's config.yaml from a here-document; its shell
        // variables stand for scalar values.
        String script = Files.readString(Path.of("../scripts/flink.sh"));
        int start = script.indexOf('\n', script.indexOf("cat >\"$FLINK_CONF/config.yaml\" <<EOF")) + 1;
        String yaml = script.substring(start, script.indexOf("\nEOF", start)).replaceAll("\\$[A-Z_]+", "x");
        List<String> keys = new ArrayList<>();
        flatten("", YAML.readTree(yaml), keys);
        assertThat(keys).isSubsetOf(FlinkOptionKeys.declared()).contains("taskmanager.numberOfTaskSlots");
    }

    @Test
    void theCatalogHoldsLiveKeysAndNotTheNetworkBufferKeysFlinkDropped() {
        // Flink 1's network-buffer settings, which this job still set under Flink 2 (gone there: 10 buffers per channel, fixed).
        Set<String> declared = FlinkOptionKeys.declared();
        assertThat(declared).contains("taskmanager.memory.segment-size", "state.backend.rocksdb.use-bloom-filter")
                .doesNotContain("taskmanager.network.memory.max-buffers-per-channel",
                        "taskmanager.network.memory.floating-buffers-per-gate");
    }

    /** Nested YAML mappings as Flink reads them: one dotted key per scalar or list. */
    private static void flatten(String prefix, JsonNode node, List<String> keys) {
        if (!node.isObject()) {
            keys.add(prefix);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), keys);
        }
    }
}
