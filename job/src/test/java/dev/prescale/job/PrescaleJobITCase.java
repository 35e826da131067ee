package dev.prescale.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.StreamOutput;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.prescale.job.testing.InJvmKafka;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job against a real in-JVM Kafka broker on a MiniCluster: valid, malformed, late and
 * out-of-order interactions and a scheduled event in; decisions, dead letters out, exactly once,
 * with no raw user id on any output topic.
 */
class PrescaleJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static KafkaClusterTestKit kafka;

    /** 2024-01-01T00:00:00Z, aligned to every window length used here. */
    private static final long T0 = 1_704_067_200_000L;
    private static final long W = 1_000L;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private PrescaleConfig config() throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "it-case-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-itcase",
                "parallelism: 1",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: itcase-" + UUID.randomUUID(),
                "  transactionalIdPrefix: itcase-" + UUID.randomUUID(),
                "window:",
                "  size: 1s",
                "  maxOutOfOrderness: 2s",
                "  idleness: 1s",
                "  allowedLateness: 0s",
                "anonymization:",
                "  k: 3",
                "  keyFile: " + key,
                "forecast:",
                "  model: snaive",
                "  context: 60s",
                "  horizons: [20s]",
                "  batchSize: 16",
                "  batchTimeout: 50ms",
                "scaling:",
                "  minCapacity: 1",
                "  maxCapacity: 500",
                "  coldLaunchLeadSeconds: 5",
                "  warmLaunchLeadSeconds: 2",
                "  warmPoolPrepareLeadSeconds: 5",
                "  stabilizationWindowSeconds: 5",
                "  resources:",
                "    cpu: {capacityPerInstance: 1.0, minHistorySteps: 3}",
                "targets:",
                "  - name: web",
                "    groups: [checkout, '_other']",
                "  - name: batch",
                "    groups: ['*']",
                "checkpointing:",
                "  interval: 500ms",
                "  directory: " + tmp.resolve("checkpoints").toUri(),
                "  stateBackend: rocksdb",
                "flink:",
                "  restart-strategy.type: none",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String interaction(long ts, String user, String group, String kind, double cpuMillis) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"" + kind
                + "\",\"cpuMillis\":" + cpuMillis + ",\"memMb\":64,\"netBytes\":1000,\"bytesWritten\":10}";
    }

    @Test
    void decisionsAndDeadLettersEndToEnd() throws Exception {
        PrescaleConfig config = config();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        PrescaleJob.build(env, config, KafkaIo.sources(env, config),
                new Sinks(List.<StreamOutput<dev.prescale.connectors.records.ScalingDecision>>of(KafkaIo.decisionSink(config)),
                        KafkaIo.deadLetterSink(config)));
        JobClient job = env.executeAsync();
        try (KafkaProducer<String, String> producer = producer()) {
            // A scheduled event adds 40 cores to checkout from second 12 to 30.
            producer.send(new ProducerRecord<>("scheduled-events",
                    "{\"id\":\"sale\",\"group\":\"checkout\",\"start\":" + (T0 + 12_000) + ",\"end\":" + (T0 + 30_000)
                            + ",\"extra\":{\"cpu\":40}}"));
            producer.send(new ProducerRecord<>("scheduled-events", "{\"id\":\"broken\"}"));
            producer.flush();
            // The broadcast input races the traffic (announcements are expected ahead of time):
            // the broken event's dead letter means the valid one before it is in broadcast state.
            assertThat(poll("scheduled-events-dlq", d -> !d.isEmpty(), Duration.ofSeconds(120))).isNotEmpty();
            // 20 seconds of traffic: checkout has 4 users (kept), search has 1 (merged into _other),
            // reports has 4 users and feeds the "*" target. Each second one record arrives 1.5 s late
            // (out of order but within maxOutOfOrderness).
            for (int s = 0; s < 20; s++) {
                long t = T0 + s * W;
                for (int u = 0; u < 4; u++) {
                    producer.send(new ProducerRecord<>("interactions", interaction(t + 100 + u, "raw-user-" + u, "checkout", "API_CALL", 500)));
                    producer.send(new ProducerRecord<>("interactions", interaction(t + 200 + u, "raw-user-" + (10 + u), "reports", "DATA_ACCESS", 250)));
                }
                producer.send(new ProducerRecord<>("interactions", interaction(t + 300, "raw-user-solo", "search", "UI", 100)));
                if (s >= 2) {
                    producer.send(new ProducerRecord<>("interactions", interaction(t - 1500, "raw-user-0", "checkout", "API_CALL", 500)));
                }
            }
            producer.send(new ProducerRecord<>("interactions", "this is not json"));
            producer.send(new ProducerRecord<>("interactions", "{\"ts\":" + T0 + ",\"user\":\"raw-user-missing-group\",\"kind\":\"UI\"}"));
            producer.send(new ProducerRecord<>("interactions", "{\"ts\":" + T0 + ",\"user\":\"raw-user-negative\",\"group\":\"checkout\",\"kind\":\"UI\",\"cpuMillis\":-5}"));
            producer.send(new ProducerRecord<>("utilization", "{\"ts\":" + (T0 + 5_000) + ",\"target\":\"web\",\"cpu\":2.0,\"inService\":3}"));
            // Event time moves to second 40, which closes every window of the traffic above.
            producer.send(new ProducerRecord<>("interactions", interaction(T0 + 40_000, "raw-user-0", "checkout", "UI", 1)));
            producer.flush();
            // Once those windows are decided, a record from second 3 is later than allowed.
            List<JsonNode> early = poll("scaling-decisions", d -> d.size() >= 10, Duration.ofSeconds(240));
            assertThat(early).hasSizeGreaterThanOrEqualTo(10);
            producer.send(new ProducerRecord<>("interactions", interaction(T0 + 3_000, "raw-user-late", "checkout", "UI", 1)));
            producer.flush();
        }

        List<JsonNode> dead = poll("interactions-dlq", d -> d.stream().anyMatch(n -> n.get("reason").asText().startsWith("late")),
                Duration.ofSeconds(180));
        List<JsonNode> decisions = poll("scaling-decisions", d -> false, Duration.ofSeconds(10));
        List<JsonNode> deadEvents = poll("scheduled-events-dlq", d -> !d.isEmpty(), Duration.ofSeconds(10));
        job.cancel().get();

        // Dead letters: the three malformed records, with reasons, and the late one.
        assertThat(dead).anyMatch(n -> n.get("reason").asText().equals("not JSON") && n.get("payload").asText().equals("this is not json"));
        assertThat(dead).anyMatch(n -> n.get("reason").asText().equals("missing field group"));
        assertThat(dead).anyMatch(n -> n.get("reason").asText().startsWith("cpuMillis is negative"));
        assertThat(dead).anyMatch(n -> n.get("reason").asText().startsWith("late"));
        assertThat(deadEvents).anyMatch(n -> n.get("reason").asText().startsWith("missing field"));

        // Decisions: per target, at window ends, each with its reason and the model.
        assertThat(decisions).allSatisfy(d -> {
            assertThat(d.get("target").asText()).isIn("web", "batch");
            assertThat((d.get("timestamp").asLong() - T0) % W).isZero();
            assertThat(d.get("reason").asText()).isNotBlank();
            assertThat(d.get("desiredCapacity").asInt()).isBetween(1, 500);
        });
        assertThat(decisions).anyMatch(d -> d.get("target").asText().equals("web"));
        assertThat(decisions).anyMatch(d -> d.get("target").asText().equals("batch"));
        // Exactly once: one decision per target and window end.
        assertThat(decisions.stream().map(d -> d.get("target").asText() + "@" + d.get("timestamp").asLong()).distinct().count())
                .isEqualTo(decisions.size());
        // The scheduled event raises web's CPU forecast while it is active, and only then.
        double duringEvent = maxCpuP90(decisions, "web", T0 + 12_000, T0 + 19_000);
        double beforeEvent = maxCpuP90(decisions, "web", T0 + 3_000, T0 + 9_000);
        System.out.println("decisions " + decisions.size() + ", first " + decisions.get(0) + "\nweb cpu p90 during event " + duringEvent + ", before " + beforeEvent);
        assertThat(duringEvent).isGreaterThan(30);
        assertThat(beforeEvent).isLessThan(10);

        // No raw user id on any output topic.
        List<String> everything = new ArrayList<>();
        for (String topic : List.of("scaling-decisions", "interactions-dlq", "scheduled-events-dlq", "utilization-dlq")) {
            poll(topic, d -> false, Duration.ofSeconds(8)).forEach(n -> everything.add(n.toString()));
        }
        assertThat(everything).isNotEmpty().noneMatch(s -> s.contains("raw-user"));
    }

    private static double maxCpuP90(List<JsonNode> decisions, String target, long from, long to) {
        double max = Double.NEGATIVE_INFINITY;
        for (JsonNode d : decisions) {
            long ts = d.get("timestamp").asLong();
            JsonNode cpu = d.path("resources").path("CPU");
            if (d.get("target").asText().equals(target) && ts >= from && ts <= to && cpu.has("forecastP90")) {
                max = Math.max(max, cpu.get("forecastP90").asDouble());
            }
        }
        return max;
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Reads a topic from the start (committed records only) until the condition holds or time is up. */
    private static List<JsonNode> poll(String topic, java.util.function.Predicate<List<JsonNode>> done, Duration max) {
        return InJvmKafka.pollJson(kafka, topic, done, max);
    }
}
