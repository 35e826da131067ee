package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.aws.AutoScalingSink;
import dev.prescale.connectors.aws.AutoScalingSinkConfig;
import dev.prescale.connectors.aws.SinkMode;
import dev.prescale.connectors.aws.local.LaunchTimings;
import dev.prescale.connectors.aws.local.LocalAutoScalingEndpoint;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.testing.InJvmKafka;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TaskManager failure mid-stream: the same deterministic traffic runs twice through the whole job
 * (Kafka in, RocksDB, checkpoints every 500 ms, exactly-once Kafka decisions, the AWS sink against
 * the local Auto Scaling endpoint, fixed-delay restarts). Run A is undisturbed; in run B the only
 * TaskManager is terminated right after the AWS sink applied a decision (so at least one decision
 * was applied after the last completed checkpoint) and a new one is started. The committed
 * decisions of B must equal A's as a multiset (none lost, none duplicated) by target, window end,
 * desired capacity and warm pool, and also as whole records: a decision has no wall-clock field (the
 * engine's clock is the window end), so nothing is excluded. The endpoint must never receive a
 * decision twice: before the sink tagged groups with the decision it applies, the restored sink
 * applied 6, 8, 10 again to web after 10 (undoing a scale-out) and 2, 3 to api.
 */
class TaskManagerFailureITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_704_067_200_000L;
    /** Event seconds of traffic; one window per second. */
    private static final int SECONDS = 60;
    /** Real milliseconds between two event seconds while producing. */
    private static final long PACE_MS = 300;
    private static final List<String> TARGETS = List.of("web", "batch", "api");

    private static KafkaClusterTestKit kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() throws Exception {
        System.setProperty("aws.accessKeyId", "AKIDLOCALTEST");
        System.setProperty("aws.secretAccessKey", "local-secret");
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One run's fresh topics, consumer group, transactional ids and endpoint. */
    private final class Run implements AutoCloseable {
        final String name;
        final String prefix;
        final PrescaleConfig config;
        final LocalAutoScalingEndpoint endpoint;

        Run(String name) throws Exception {
            this.name = name;
            this.prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : InJvmKafka.TOPICS) {
                    // Records carry event time (2024 here): with the default 7-day retention the broker's
                    // first retention check (30 s after start) deleted the first decisions of a run.
                    topics.add(new NewTopic(prefix + t, 1, (short) 1).configs(Map.of("retention.ms", "-1")));
                }
                admin.createTopics(topics).all().get();
            }
            this.config = config(prefix);
            // 600 s / 120 s / 600 s become 1 s / 0.2 s / 1 s.
            this.endpoint = LocalAutoScalingEndpoint.start(0, Clock.systemUTC(), LaunchTimings.defaults().compressedBy(600));
            for (String t : TARGETS) {
                endpoint.service().createGroup(t, 0, 1000, 1);
            }
        }

        @Override
        public void close() {
            endpoint.close();
        }
    }

    private PrescaleConfig config(String prefix) throws Exception {
        Path key = tmp.resolve("hmac.key");
        Files.writeString(key, "tm-failure-secret-key-0123456789abcdef\n");
        String yaml = String.join("\n",
                "jobName: prescale-tm-failure",
                "parallelism: 1",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: " + prefix + "job",
                "  transactionalIdPrefix: " + prefix + "tx",
                "  interactionsTopic: " + prefix + "interactions",
                "  scheduledEventsTopic: " + prefix + "scheduled-events",
                "  utilizationTopic: " + prefix + "utilization",
                "  decisionsTopic: " + prefix + "scaling-decisions",
                "  modelUpdatesTopic: " + prefix + "model-updates",
                "window: {size: 1s, maxOutOfOrderness: 1s, idleness: 1s, allowedLateness: 0s}",
                "anonymization: {k: 3, keyFile: " + key + "}",
                "forecast: {model: snaive, context: 30s, horizons: [5s], batchSize: 16, batchTimeout: 50ms}",
                "scaling:",
                "  minCapacity: 1",
                "  maxCapacity: 1000",
                "  maxStepUp: 1000",
                "  coldLaunchLeadSeconds: 3",
                "  warmLaunchLeadSeconds: 1",
                "  warmPoolPrepareLeadSeconds: 3",
                "  stabilizationWindowSeconds: 5",
                "  resources: {cpu: {capacityPerInstance: 0.5, minHistorySteps: 3}}",
                "targets:",
                "  - {name: web, groups: [checkout, search]}",
                "  - {name: batch, groups: [reports]}",
                "  - {name: api, groups: ['*']}",
                "checkpointing: {interval: 500ms, directory: '" + tmp.resolve(prefix + "checkpoints").toUri() + "', stateBackend: rocksdb}",
                "flink:",
                "  restart-strategy.type: fixed-delay",
                "  restart-strategy.fixed-delay.attempts: '5'",
                "  restart-strategy.fixed-delay.delay: 1s",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String interaction(long ts, String user, String group, double cpuMillis) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"API_CALL\",\"cpuMillis\":"
                + cpuMillis + ",\"memMb\":64,\"netBytes\":1000,\"bytesWritten\":10}";
    }

    /**
     * The interactions of one event second: five groups with four users each (k = 3 keeps them),
     * demand growing with time so that every target's decided capacity never goes down.
     */
    private static List<String> second(int s) {
        long t = T0 + s * 1000L;
        List<String> out = new ArrayList<>();
        for (int u = 0; u < 4; u++) {
            out.add(interaction(t + 100 + u, "user-c" + u, "checkout", 200.0 * (1 + s)));
            out.add(interaction(t + 200 + u, "user-s" + u, "search", 50.0 * (1 + s / 2)));
            out.add(interaction(t + 300 + u, "user-r" + u, "reports", 100.0 + 25.0 * s));
            out.add(interaction(t + 400 + u, "user-m" + u, "misc-a", 80.0 * (1 + s / 3)));
            out.add(interaction(t + 500 + u, "user-n" + u, "misc-b", 60.0 + 10.0 * s));
        }
        return out;
    }

    /** Everything the job needs before traffic: a scheduled event (and a broken one after it), a utilization record. */
    private static void announce(Run run, KafkaProducer<String, String> producer) {
        // Known workload on reports from second 20 to 35: +2 cores.
        producer.send(new ProducerRecord<>(run.prefix + "scheduled-events", "{\"id\":\"batch-run\",\"group\":\"reports\",\"start\":"
                + (T0 + 20_000) + ",\"end\":" + (T0 + 35_000) + ",\"extra\":{\"cpu\":2}}"));
        producer.send(new ProducerRecord<>(run.prefix + "scheduled-events", "{\"id\":\"broken\"}"));
        producer.send(new ProducerRecord<>(run.prefix + "utilization", "{\"ts\":" + (T0 + 10_500) + ",\"target\":\"web\",\"cpu\":1.0,\"inService\":1}"));
        producer.flush();
    }

    private JobClient submit(Run run) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(run.config));
        AutoScalingSink aws = new AutoScalingSink(AutoScalingSinkConfig.builder()
                .mode(SinkMode.APPLY)
                .region("eu-west-1")
                .endpointOverride(run.endpoint.url())
                .retryBaseDelay(Duration.ofMillis(50))
                .retryMaxDelay(Duration.ofMillis(500))
                .requestsPerSecond(100)
                .rateBurst(50)
                .build());
        EmittedDecisions.clear(run.name);
        List<StreamOutput<ScalingDecision>> outputs = List.of(KafkaIo.decisionSink(run.config), aws::attach,
                EmittedDecisions.output(run.name));
        PrescaleJob.build(env, run.config, KafkaIo.sources(env, run.config), new Sinks(outputs, KafkaIo.deadLetterSink(run.config)));
        JobClient job = env.executeAsync();
        // The broadcast input races the traffic: the broken event's dead letter means the valid one is in state.
        assertThat(poll(run.prefix + "scheduled-events-dlq", d -> !d.isEmpty(), Duration.ofSeconds(120))).isNotEmpty();
        return job;
    }

    /** Produces the traffic second by second (paced, so that a failure can fall in the middle), then the closing record. */
    private static Thread produce(Run run, AtomicBoolean done) {
        Thread t = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                for (int s = 0; s < SECONDS; s++) {
                    for (String r : second(s)) {
                        producer.send(new ProducerRecord<>(run.prefix + "interactions", r));
                    }
                    producer.flush();
                    Thread.sleep(PACE_MS);
                }
                // Far enough ahead to close every window above; its own window never closes.
                producer.send(new ProducerRecord<>(run.prefix + "interactions", interaction(T0 + (SECONDS + 10) * 1000L, "user-c0", "checkout", 1)));
                producer.flush();
                done.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "traffic-" + run.name);
        t.start();
        return t;
    }

    /** Committed decisions once every target has decided the last traffic window, plus a grace period for stragglers. */
    private static List<JsonNode> collect(Run run) {
        long last = T0 + SECONDS * 1000L;
        Predicate<List<JsonNode>> complete = d -> TARGETS.stream().allMatch(t -> d.stream()
                .anyMatch(n -> n.get("target").asText().equals(t) && n.get("timestamp").asLong() == last));
        List<JsonNode> decisions = poll(run.prefix + "scaling-decisions", complete, Duration.ofSeconds(240));
        assertThat(complete.test(decisions)).as("every target decided the window ending %d in run %s", last, run.name).isTrue();
        // Two more checkpoint intervals and more: anything committed late (a duplicate) shows up too.
        return poll(run.prefix + "scaling-decisions", d -> false, Duration.ofSeconds(3));
    }

    @Test
    void decisionsAfterATaskManagerFailureEqualAnUndisturbedRunAndNoneIsAppliedTwice(
            @InjectMiniCluster MiniCluster mini, @InjectClusterRESTAddress URI rest) throws Exception {
        // Run A: undisturbed.
        List<JsonNode> undisturbed;
        Map<String, List<Integer>> setCallsA;
        try (Run a = new Run("a")) {
            try (KafkaProducer<String, String> p = producer()) {
                announce(a, p);
            }
            JobClient job = submit(a);
            AtomicBoolean sent = new AtomicBoolean();
            Thread traffic = produce(a, sent);
            undisturbed = collect(a);
            traffic.join();
            job.cancel().get();
            setCallsA = calls(a.endpoint, "SetDesiredCapacity", "DesiredCapacity");
            // The check must hold for an undisturbed run too (else it tests nothing about the failure).
            assertAppliedAtMostOnce(undisturbed, setCallsA, "desiredCapacity", true);
            assertAppliedAtMostOnce(undisturbed, calls(a.endpoint, "PutWarmPool", "MinSize"), "warmPoolSize", false);
            System.out.println("run A: SetDesiredCapacity per group " + setCallsA + ", PutWarmPool per group "
                    + calls(a.endpoint, "PutWarmPool", "MinSize"));
        }

        // Run B: the same traffic, the TaskManager dies mid-stream.
        List<JsonNode> withFailure;
        long restarts;
        int checkpointsBeforeKill;
        int setCallsBeforeKill;
        try (Run b = new Run("b")) {
            try (KafkaProducer<String, String> p = producer()) {
                announce(b, p);
            }
            JobClient job = submit(b);
            JobID id = job.getJobID();
            AtomicBoolean sent = new AtomicBoolean();
            Thread traffic = produce(b, sent);
            // Mid-stream: a checkpoint completed and decisions committed, traffic still coming.
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline
                    && (completedCheckpoints(mini, id) < 1 || poll(b.prefix + "scaling-decisions", d -> !d.isEmpty(), Duration.ofMillis(300)).isEmpty())) {
                Thread.sleep(100);
            }
            // Then right after the sink applied something: that call is most likely newer than the
            // last completed checkpoint, the case where a restored sink could apply it again.
            int before = b.endpoint.calls("SetDesiredCapacity").size();
            while (System.currentTimeMillis() < deadline && b.endpoint.calls("SetDesiredCapacity").size() == before) {
                Thread.sleep(5);
            }
            setCallsBeforeKill = b.endpoint.calls("SetDesiredCapacity").size();
            checkpointsBeforeKill = completedCheckpoints(mini, id);
            assertThat(sent.get()).as("the failure must come before the end of traffic").isFalse();
            assertThat(checkpointsBeforeKill).isGreaterThanOrEqualTo(1);
            mini.terminateTaskManager(0).get();
            mini.startTaskManager();
            withFailure = collect(b);
            traffic.join();
            restarts = numRestarts(rest, id);
            AccessExecutionGraph graph = mini.getExecutionGraph(id).get();
            assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
            assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job went through RESTARTING").isPositive();
            job.cancel().get();

            // What the restore made the job emit again (the AWS sink saw these twice).
            Map<String, Integer> emitted = new TreeMap<>();
            for (String k : EmittedDecisions.keys(b.name)) {
                emitted.merge(k, 1, Integer::sum);
            }
            long replayed = emitted.values().stream().filter(n -> n > 1).count();
            System.out.println("run B: " + replayed + " decisions emitted again after the restore (uncommitted, before the AWS sink)");
            assertThat(replayed).as("the restore replayed decisions made after the last checkpoint").isPositive();
            Map<String, List<Integer>> setCallsB = calls(b.endpoint, "SetDesiredCapacity", "DesiredCapacity");
            Map<String, List<Integer>> warmCallsB = calls(b.endpoint, "PutWarmPool", "MinSize");
            System.out.println("run B: killed after " + checkpointsBeforeKill + " completed checkpoints and " + setCallsBeforeKill
                    + " SetDesiredCapacity calls; numRestarts " + restarts + "; SetDesiredCapacity per group " + setCallsB
                    + ", PutWarmPool per group " + warmCallsB);
            assertAppliedAtMostOnce(withFailure, setCallsB, "desiredCapacity", true);
            assertAppliedAtMostOnce(withFailure, warmCallsB, "warmPoolSize", false);
        }
        assertThat(restarts).as("numRestarts").isGreaterThanOrEqualTo(1);

        // The decisions as multisets: by target, window end, desired capacity and warm pool.
        Map<String, Integer> a = multiset(undisturbed, TaskManagerFailureITCase::key);
        Map<String, Integer> b = multiset(withFailure, TaskManagerFailureITCase::key);
        int duplicates = 0;
        int missing = 0;
        int extra = 0;
        for (Map.Entry<String, Integer> e : b.entrySet()) {
            int inA = a.getOrDefault(e.getKey(), 0);
            if (inA == 0) {
                extra += e.getValue();
            } else {
                duplicates += Math.max(0, e.getValue() - inA);
            }
        }
        for (Map.Entry<String, Integer> e : a.entrySet()) {
            missing += Math.max(0, e.getValue() - b.getOrDefault(e.getKey(), 0));
        }
        // The full records too (no field of a decision comes from the wall clock: the engine's clock is the window end).
        Map<String, Integer> fullA = multiset(undisturbed, JsonNode::toString);
        Map<String, Integer> fullB = multiset(withFailure, JsonNode::toString);
        System.out.println("decisions: undisturbed " + undisturbed.size() + ", with failure " + withFailure.size() + ", duplicates "
                + duplicates + ", missing " + missing + ", not in the undisturbed run " + extra + "; full records equal: " + fullA.equals(fullB));
        assertThat(b).isEqualTo(a);
        assertThat(a.values()).allMatch(n -> n == 1);
        assertThat(undisturbed).hasSizeGreaterThanOrEqualTo(TARGETS.size() * (SECONDS - 10));
        assertThat(fullB).isEqualTo(fullA);
    }

    /**
     * Applied at most once per decision, for one action: the sink applies a group's decisions in
     * timestamp order (skipping superseded ones, and calling only when AWS holds another value), so
     * the values the endpoint received must be the values of a strictly increasing sequence of
     * decisions. A decision applied again after the restore (an older one after a newer one) breaks
     * that unless the same values happen to follow later; where the decided values never go down
     * (web and api here: their demand only grows) it is sharp: every received value must be larger
     * than the one before.
     */
    private static void assertAppliedAtMostOnce(List<JsonNode> decisions, Map<String, List<Integer>> received,
            String field, boolean sharpWhereMonotone) {
        for (String target : TARGETS) {
            List<Integer> decided = decisions.stream().filter(d -> d.get("target").asText().equals(target))
                    .sorted((x, y) -> Long.compare(x.get("timestamp").asLong(), y.get("timestamp").asLong()))
                    .map(d -> Math.max(0, d.get(field).asInt())).toList();
            List<Integer> applied = received.getOrDefault(target, List.of());
            int next = 0;
            for (int value : applied) {
                while (next < decided.size() && decided.get(next) != value) {
                    next++;
                }
                assertThat(next).as("%s: calls %s must apply the decisions %s in order, each at most once", target, applied, decided)
                        .isLessThan(decided.size());
                next++;
            }
            boolean monotone = true;
            for (int i = 1; i < decided.size(); i++) {
                monotone &= decided.get(i) >= decided.get(i - 1);
            }
            if (sharpWhereMonotone && monotone) {
                for (int i = 1; i < applied.size(); i++) {
                    assertThat(applied.get(i)).as("%s: calls %s, decided values never go down", target, applied).isGreaterThan(applied.get(i - 1));
                }
            }
        }
    }

    /** Test decision output: the key of every decision the job emits, replays included, per run (this JVM's MiniCluster). */
    static final class EmittedDecisions implements Sink<ScalingDecision> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, ConcurrentLinkedQueue<String>> KEYS = new ConcurrentHashMap<>();
        private final String run;

        private EmittedDecisions(String run) {
            this.run = run;
        }

        static void clear(String run) {
            KEYS.put(run, new ConcurrentLinkedQueue<>());
        }

        static List<String> keys(String run) {
            return new ArrayList<>(KEYS.get(run));
        }

        static StreamOutput<ScalingDecision> output(String run) {
            return s -> s.sinkTo(new EmittedDecisions(run)).uid("test-emitted-decisions").name("test: emitted decisions");
        }

        @Override
        public SinkWriter<ScalingDecision> createWriter(WriterInitContext context) {
            ConcurrentLinkedQueue<String> into = KEYS.get(run);
            return new SinkWriter<>() {
                @Override
                public void write(ScalingDecision d, Context ctx) {
                    into.add(d.target + "@" + d.timestamp);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    private static String key(JsonNode d) {
        return d.get("target").asText() + "@" + d.get("timestamp").asLong() + " desired=" + d.get("desiredCapacity").asInt()
                + " warm=" + d.get("warmPoolSize").asInt();
    }

    private static Map<String, Integer> multiset(List<JsonNode> decisions, java.util.function.Function<JsonNode, String> key) {
        Map<String, Integer> m = new TreeMap<>();
        for (JsonNode d : decisions) {
            m.merge(key.apply(d), 1, Integer::sum);
        }
        return m;
    }

    /** Per group, the values of one parameter of the successful calls of one action, in arrival order. */
    private static Map<String, List<Integer>> calls(LocalAutoScalingEndpoint endpoint, String action, String param) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (LocalAutoScalingEndpoint.RecordedCall c : endpoint.calls(action)) {
            if (c.status == 200) {
                out.computeIfAbsent(c.params.get("AutoScalingGroupName"), g -> new ArrayList<>()).add(Integer.parseInt(c.params.get(param)));
            }
        }
        return out;
    }

    private static int completedCheckpoints(MiniCluster mini, JobID id) throws Exception {
        return (int) mini.getExecutionGraph(id).get().getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
    }

    /**
     * The job's numRestarts metric through the REST API (the web monitor fetches metrics from the
     * cluster every few seconds, so the first answers may still be empty).
     */
    private static long numRestarts(URI rest, JobID id) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(rest.resolve("/jobs/" + id + "/metrics?get=numRestarts")).build();
        String body = "";
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            body = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
            JsonNode arr = Json.mapper().readTree(body);
            if (arr.isArray() && arr.size() == 1) {
                return Long.parseLong(arr.get(0).get("value").asText());
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no numRestarts metric from " + req.uri() + ": " + body);
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Reads a topic from the start (committed records only) until the condition holds or time is up. */
    private static List<JsonNode> poll(String topic, Predicate<List<JsonNode>> done, Duration max) {
        return InJvmKafka.pollJsonAssigned(kafka, topic, done, max);
    }
}
