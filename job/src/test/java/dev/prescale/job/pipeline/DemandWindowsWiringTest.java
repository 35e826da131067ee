package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.Sources;
import dev.prescale.job.io.StreamOutput;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the whole job wires step 3: with {@code window.localAggregation} the pre-aggregator runs in
 * the same task as the pseudonymization (chained, before the shuffle) and feeds the window; without
 * it the graph has neither the pre-aggregator nor the late-partials path (the job as before).
 */
class DemandWindowsWiringTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void thePreAggregatorIsChainedBeforeTheShuffleOnlyWhenConfigured(boolean local, @TempDir Path tmp) throws Exception {
        for (boolean stampedBySource : new boolean[] {false, true}) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            Sources sources = Sources.ofPayloads(env.fromData("{}").uid("test-interactions"), null, null);
            if (stampedBySource) {
                sources = sources.withInteractionEventTimeAssigned();
            }
            PrescaleJob.build(env, config(tmp, local), sources,
                    Sinks.of(StreamOutput.of(new DiscardingSink<>(), "test-decisions", "decisions"),
                            StreamOutput.of(new DiscardingSink<>(), "test-dead-letters", "dead letters")));
            StreamGraph graph = env.getStreamGraph();
            List<String> uids = new ArrayList<>();
            for (StreamNode n : graph.getStreamNodes()) {
                uids.add(n.getTransformationUID());
            }
            assertThat(uids).contains(DemandWindows.WINDOW_UID, "late-records");
            JobGraph job = graph.getJobGraph();
            String chain = null;
            for (JobVertex v : job.getVertices()) {
                if (v.getName().contains("pre-aggregate per group and window")) {
                    chain = v.getName();
                }
            }
            if (local && stampedBySource) {
                // Validation, pseudonymization and pre-aggregation in one operator, in the source's task.
                assertThat(uids).contains(DemandWindows.ANONYMIZING_PRE_AGGREGATION_UID, "late-partials", "dead-letter-time")
                        .doesNotContain("local-pre-aggregation", "validate-anonymize");
                assertThat(chain).as("the chain with the pre-aggregator").isNotNull()
                        .contains("validate + pseudonymize + pre-aggregate");
                assertThat(chain).doesNotContain("demand per group and window");
            } else if (local) {
                assertThat(uids).contains("local-pre-aggregation", "late-partials").doesNotContain(DemandWindows.ANONYMIZING_PRE_AGGREGATION_UID);
                // In the task of the first operator, behind the event time: no shuffle of single events.
                assertThat(chain).as("the chain with the pre-aggregator").isNotNull()
                        .contains("validate + pseudonymize");
                assertThat(chain).doesNotContain("demand per group and window");
            } else {
                assertThat(uids).doesNotContain("local-pre-aggregation", "late-partials", DemandWindows.ANONYMIZING_PRE_AGGREGATION_UID)
                        .contains("validate-anonymize");
                assertThat(chain).isNull();
            }
        }
    }

    private static PrescaleConfig config(Path tmp, boolean local) throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "wiring-test-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-wiring",
                "window: {size: 1m, localAggregation: " + local + "}",
                "anonymization: {k: 2, keyFile: " + key + "}",
                "forecast: {model: snaive, context: 1h, horizons: [5m]}",
                "targets:",
                "  - {name: web, groups: ['*']}",
                "checkpointing: {interval: 10m, directory: " + tmp.resolve("checkpoints").toUri() + ", stateBackend: hashmap}",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
