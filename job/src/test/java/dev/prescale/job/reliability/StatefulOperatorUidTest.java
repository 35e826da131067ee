package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.records.ScalingDecision;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint state is matched to operators by uid: every operator of the built job (all optional
 * inputs and outputs wired) has an explicit one, they are unique, and the uids of the operators
 * with keyed state are pinned here, so a rename (which would orphan that state in every existing
 * savepoint) fails this test instead of a production restore. A lost uid fails the job's build.
 */
class StatefulOperatorUidTest {

    /** The keyed-state operators and their uids; changing one needs a migration plan (docs: Upgrade). */
    static final Set<String> KEYED_STATE_UIDS =
            Set.of("window-demand", "k-anonymity", "group-history", "scheduled-events", "target-decisions");

    @Test
    void everyOperatorHasAStableExplicitUidAndTheKeyedOnesArePinned(@TempDir Path tmp) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, tmp);
        StreamGraph graph = env.getStreamGraph();

        List<String> uids = new ArrayList<>();
        Set<String> keyed = new HashSet<>();
        for (StreamNode n : graph.getStreamNodes()) {
            assertThat(n.getTransformationUID()).as("uid of %s", n.getOperatorName()).isNotBlank();
            uids.add(n.getTransformationUID());
            if (n.getStateKeySerializer() != null) {
                keyed.add(n.getTransformationUID());
            }
        }
        assertThat(uids).doesNotHaveDuplicates().contains("forecast", "validate-anonymize", "sink-usage-log");
        assertThat(keyed).isEqualTo(KEYED_STATE_UIDS);
        // Operator ids (what a savepoint stores) are derived from the uids: the job graph builds
        // with generated uids switched off.
        assertThat(graph.getJobGraph().getNumberOfVertices()).isPositive();
        System.out.printf("%d operators, all with explicit uids; keyed state in %s%n", uids.size(), keyed);
    }

    @Test
    void anOperatorThatLostItsUidFailsTheBuildOfTheJobGraph(@TempDir Path tmp) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<ScalingDecision> decisions = build(env, tmp);
        decisions.getTransformation().setUid(null);
        assertThatThrownBy(() -> env.getStreamGraph().getJobGraph())
                .hasStackTraceContaining("no UID or hash has been assigned");
    }

    /** The job with every optional input and output: payload topics, model updates, usage log, dead letters. */
    private static DataStream<ScalingDecision> build(StreamExecutionEnvironment env, Path tmp) throws Exception {
        PrescaleConfig config = config(tmp);
        DataStream<String> interactions = env.fromData("{}").uid("test-interactions");
        DataStream<String> events = env.fromData("{}").uid("test-events");
        DataStream<String> utilization = env.fromData("{}").uid("test-utilization");
        DataStream<String> updates = env.fromData("{}").uid("test-updates");
        Sources sources = Sources.ofPayloads(interactions, events, utilization).withModelUpdates(updates);
        return PrescaleJob.build(env, config, sources,
                Sinks.of(StreamOutput.of(new DiscardingSink<>(), "test-decisions", "decisions"),
                        StreamOutput.of(new DiscardingSink<>(), "test-dead-letters", "dead letters")));
    }

    static PrescaleConfig config(Path tmp) throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "uid-test-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-uids",
                "window: {size: 5m}",
                "anonymization: {k: 2, keyFile: " + key + "}",
                "forecast: {model: snaive, context: 1d, horizons: [15m]}",
                "usageLog: {path: '" + tmp.resolve("usage-{group}.csv") + "'}",
                "targets:",
                "  - {name: web, groups: ['*']}",
                "checkpointing: {interval: 10m, directory: " + tmp.resolve("checkpoints").toUri() + ", stateBackend: hashmap}",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
