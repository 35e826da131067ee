package dev.prescale.job.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.job.PrescaleJob;
import dev.prescale.job.config.PrescaleConfig;
import dev.prescale.job.io.KafkaIo;
import dev.prescale.job.io.Sinks;
import dev.prescale.job.io.StreamOutput;
import dev.prescale.job.testing.InJvmKafka;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Privacy scan of everything a run of the whole job leaves behind: the job (in-JVM Kafka, a
 * MiniCluster, a known HMAC key in a key file) gets valid traffic and bad records from raw user ids
 * that are easy to find ({@value #RAW}...), then every log line (all loggers at INFO, Prescale at
 * DEBUG, captured in memory), every metric (identifier, scope variables and gauge value, from a
 * test reporter, and the REST metric lists with their values), the REST pages (cluster, job,
 * vertex, TaskManager, config and environment pages), every checkpoint file while the job runs, a
 * savepoint, and every record of every output topic (uncommitted ones included) are scanned for a
 * raw user id and for the key as text, hex or base64.
 *
 * <p>The scan can fail: a canary raw id ({@value #CANARY}) is planted in each channel (a log line,
 * a metric group and an operator name, keyed state, the Flink configuration, a record on each
 * output topic), and each channel must yield the canary and nothing else.
 */
class PrivacyScanITCase {

    private static final Logger LOG = LoggerFactory.getLogger(PrivacyScanITCase.class);

    static final String RAW = "rawuser-XYZ-";
    static final String CANARY = RAW + "canary";
    private static final String KEY = "privacy-scan-hmac-key-7f3a9c1e5b2d4a6f";
    private static final int SECONDS = 25;
    private static final List<String> OUTPUT_TOPICS = List.of("scaling-decisions", "interactions-dlq", "utilization-dlq",
            "scheduled-events-dlq");

    /** Every log event of this JVM while the class runs; installed before the MiniCluster starts. */
    private static final MemoryAppender LOGS = MemoryAppender.install();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .setConfiguration(Configuration.fromMap(Map.of(
                            "metrics.reporter.scan.factory.class", RecordingMetricReporterFactory.class.getName(),
                            "prescale.privacy.canary", CANARY)))
                    .build());

    private static KafkaClusterTestKit kafka;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("privacy-scan");
        kafka = InJvmKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        LOGS.uninstall();
    }

    private static PrescaleConfig config(Path keyFile) throws Exception {
        String yaml = String.join("\n",
                "jobName: prescale-privacy-scan",
                "parallelism: 1",
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: privacy-" + UUID.randomUUID(),
                "  transactionalIdPrefix: privacy-" + UUID.randomUUID(),
                "window: {size: 1s, maxOutOfOrderness: 1s, idleness: 1s, allowedLateness: 0s}",
                "anonymization: {k: 3, keyFile: " + keyFile + "}",
                "forecast: {model: snaive, context: 30s, horizons: [5s], batchSize: 64, batchTimeout: 50ms}",
                "scaling:",
                "  maxCapacity: 1000",
                "  resources: {cpu: {capacityPerInstance: 1.0, minHistorySteps: 3}}",
                "targets:",
                "  - {name: all, groups: ['*']}",
                // hashmap: state is written uncompressed, so a byte scan of the files sees every string in it.
                "checkpointing: {interval: 500ms, directory: '" + dir.resolve("checkpoints").toUri() + "', stateBackend: hashmap}",
                "flink: {restart-strategy.type: none, prescale.privacy.canary: " + CANARY + "}",
                "");
        return PrescaleConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String valid(long ts, String user, String group, long cpuMillis) {
        return "{\"ts\":" + ts + ",\"user\":\"" + user + "\",\"group\":\"" + group + "\",\"kind\":\"API_CALL\",\"cpuMillis\":"
                + cpuMillis + ",\"memMb\":64,\"netBytes\":1000}";
    }

    @Test
    void noRawUserIdAndNoKeyInLogsMetricsRestCheckpointsSavepointsOrTopics(@InjectClusterRESTAddress URI rest) throws Exception {
        Path keyFile = dir.resolve("hmac.key");
        Files.writeString(keyFile, KEY + "\n");
        LeakScanner scanner = new LeakScanner(RAW, CANARY, KEY.getBytes(StandardCharsets.UTF_8));
        // The scanner itself finds each form of the key.
        for (Map.Entry<String, String> form : scanner.keyForms().entrySet()) {
            LeakScanner probe = new LeakScanner(RAW, CANARY, KEY.getBytes(StandardCharsets.UTF_8));
            probe.scan("probe", form.getKey(), "x " + form.getValue() + " y");
            assertThat(probe.leaks().get("probe")).as(form.getKey()).anyMatch(l -> l.startsWith(form.getKey() + " in "));
        }

        // Canaries on the output topics (the job's own records must carry none).
        try (KafkaProducer<String, String> producer = producer()) {
            for (String topic : OUTPUT_TOPICS) {
                producer.send(new ProducerRecord<>(topic, "{\"canary\":\"" + CANARY + "\"}"));
            }
        }
        LOG.info("privacy canary in a log line: {}", CANARY);

        PrescaleConfig config = config(keyFile);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(PrescaleJob.flinkConfiguration(config));
        // Decisions also pass a keyed canary operator: its state, metric group and name carry the canary.
        StreamOutput<ScalingDecision> canary = s -> DecisionRecorder.output("privacy").attach(
                s.keyBy(d -> d.target).process(new CanaryState()).uid("privacy-canary").name("privacy canary " + CANARY));
        PrescaleJob.build(env, config, KafkaIo.sources(env, config),
                new Sinks(List.of(KafkaIo.decisionSink(config), canary), KafkaIo.deadLetterSink(config)));
        JobClient job = env.executeAsync();
        JobID id = job.getJobID();

        Map<Path, Long> checkpointFilesSeen = new HashMap<>();
        Set<String> checkpointDirs = new TreeSet<>();
        int badSent = 0;
        int lateSent = 0;
        long t0 = System.currentTimeMillis() / 1000 * 1000;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int s = 0; s < SECONDS; s++) {
                long t = t0 + s * 1000L;
                // g0 and g1 have 4 users each (k = 3); g2 has one, so it goes into _other.
                for (int g = 0; g < 3; g++) {
                    for (int u = 0; u < (g == 2 ? 1 : 4); u++) {
                        producer.send(new ProducerRecord<>("interactions", valid(t + 10 * u + g, RAW + "g" + g + "u" + u, "g" + g, 100 + u)));
                    }
                }
                if (s >= 5) {
                    // Bad records carrying raw ids: truncated, negative, wrong type, late, and a bad utilization record.
                    String full = valid(t + 500, RAW + "bad" + s, "g0", 10);
                    producer.send(new ProducerRecord<>("interactions", full.substring(0, full.indexOf("bad" + s) + 6)));
                    producer.send(new ProducerRecord<>("interactions", "{\"ts\":" + t + ",\"user\":\"" + RAW + "neg" + s
                            + "\",\"group\":\"g0\",\"kind\":\"UI\",\"memMb\":-5}"));
                    producer.send(new ProducerRecord<>("interactions", "{\"ts\":" + t + ",\"user\":{\"id\":\"" + RAW + "obj" + s
                            + "\"},\"group\":\"g0\",\"kind\":\"UI\"}"));
                    producer.send(new ProducerRecord<>("interactions", valid(t0 - 60_000, RAW + "late" + s, "g0", 10)));
                    producer.send(new ProducerRecord<>("utilization", "{\"ts\":" + t + ",\"target\":\"all\",\"user\":\"" + RAW + "util" + s
                            + "\",\"cpu\":\"high\"}"));
                    badSent += 5;
                    lateSent++;
                }
                producer.flush();
                scanCheckpoints(scanner, checkpointFilesSeen, checkpointDirs);
                Thread.sleep(250);
            }
            producer.send(new ProducerRecord<>("interactions", valid(t0 + (SECONDS + 10) * 1000L, RAW + "last", "g0", 0)));
            producer.flush();
        }
        List<JsonNode> decisions = committedDecisions(6, Duration.ofSeconds(120));
        for (long until = System.currentTimeMillis() + 5_000; System.currentTimeMillis() < until; Thread.sleep(500)) {
            scanCheckpoints(scanner, checkpointFilesSeen, checkpointDirs);
        }

        // A savepoint, scanned whole.
        String savepoint = job.triggerSavepoint(dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        int savepointFiles = 0;
        try (Stream<Path> walk = Files.walk(Path.of(URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint)))) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                scanner.scan("savepoint", f.toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
                savepointFiles++;
            }
        }

        // REST pages and metric lists, with every metric's value.
        Map<String, Integer> restStatus = scanRest(scanner, rest, id);
        job.cancel().get();

        // Output topics, uncommitted records included.
        Map<String, Integer> topicRecords = new TreeMap<>();
        int deadLetters = 0;
        for (String topic : OUTPUT_TOPICS) {
            List<String> records = readAll(topic);
            topicRecords.put(topic, records.size());
            for (String r : records) {
                scanner.scan("topics", topic, r);
            }
            if (topic.endsWith("-dlq")) {
                deadLetters += records.size() - 1;
            }
        }

        // Metrics from the reporter: identifiers, scope variables, gauge values.
        List<RecordingMetricReporter.Registered> metrics = RecordingMetricReporter.registered();
        for (RecordingMetricReporter.Registered m : metrics) {
            scanner.scan("metrics", "metric " + m.identifier(), m.identifier());
            scanner.scan("metrics", "variables of " + m.identifier(), m.variables().toString());
            if (m.gauge() != null) {
                String value;
                try {
                    value = String.valueOf(m.gauge().getValue());
                } catch (RuntimeException e) {
                    value = String.valueOf(e);
                }
                scanner.scan("metrics", "value of " + m.identifier(), value);
            }
        }

        // Every log line so far.
        List<String> lines = LOGS.lines();
        for (String line : lines) {
            scanner.scan("logs", "log line", line);
        }

        System.out.println("PrivacyScanITCase: scanned " + scanner.scanned() + " (checkpoint file reads, " + checkpointDirs.size()
                + " checkpoints: " + checkpointDirs + "; savepoint " + savepointFiles + " files; " + metrics.size()
                + " metrics registered; " + lines.size() + " log lines)");
        System.out.println("  canary hits per channel " + scanner.canaryHits());
        Map<Integer, Integer> byStatus = new TreeMap<>();
        restStatus.values().forEach(c -> byStatus.merge(c, 1, Integer::sum));
        System.out.println("  REST: " + restStatus.size() + " pages by HTTP status " + byStatus + ", not 200: "
                + restStatus.entrySet().stream().filter(e -> e.getValue() != 200).map(Map.Entry::getKey).toList()
                + "; among them " + restStatus.keySet().stream().filter(k -> !k.contains("/vertices/")).toList());
        System.out.println("  output topic records " + topicRecords + "; decisions " + decisions.size() + "; bad records sent "
                + badSent + ", dead letters " + deadLetters);
        System.out.println("  key forms searched " + scanner.keyForms().keySet());
        scanner.leaks().forEach((channel, found) -> {
            if (!found.isEmpty()) {
                System.out.println("  LEAKS in " + channel + " (" + found.size() + "): " + found.subList(0, Math.min(10, found.size())));
            }
        });

        assertThat(decisions).isNotEmpty();
        // A "late" record is a dead letter only once the watermark has passed its window and the
        // allowed lateness; the first ones may still count as on time (a CI run had 99 of 100).
        assertThat(deadLetters).as("the bad records went through the job").isBetween(badSent - lateSent, badSent);
        assertThat(checkpointDirs).as("checkpoints scanned").hasSizeGreaterThanOrEqualTo(3);
        for (String channel : List.of("logs", "metrics", "rest", "checkpoints", "savepoint", "topics")) {
            assertThat(scanner.canaryHits().getOrDefault(channel, 0)).as("the scan of %s finds the canary", channel).isPositive();
            assertThat(scanner.leaks().get(channel)).as("raw ids or the key in %s", channel).isEmpty();
        }
    }

    /** Reads every checkpoint file not yet read at its current size (they vanish when subsumed). */
    private static void scanCheckpoints(LeakScanner scanner, Map<Path, Long> seen, Set<String> checkpointDirs) throws IOException {
        Path root = dir.resolve("checkpoints");
        if (!Files.exists(root)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException e) {
            return; // a directory was deleted during the walk; the next round sees the new state
        }
        for (Path f : files) {
            try {
                long size = Files.size(f);
                if (Long.valueOf(size).equals(seen.get(f))) {
                    continue;
                }
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                seen.put(f, size);
                scanner.scan("checkpoints", f.toString(), text);
                for (Path p = f; p != null; p = p.getParent()) {
                    if (p.getFileName() != null && p.getFileName().toString().startsWith("chk-")) {
                        checkpointDirs.add(p.getFileName().toString());
                    }
                }
            } catch (NoSuchFileException gone) {
                // subsumed by a newer checkpoint meanwhile
            }
        }
    }

    /** GETs the cluster's, the job's, its vertices' and the TaskManagers' pages and metrics; returns each path's status. */
    private static Map<String, Integer> scanRest(LeakScanner scanner, URI rest, JobID id) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Integer> status = new TreeMap<>();
        List<String> pages = new ArrayList<>(List.of("/config", "/overview", "/jobs", "/jobs/overview", "/jobmanager/config",
                "/jobmanager/environment", "/jobmanager/metrics", "/jobmanager/logs", "/taskmanagers", "/taskmanagers/metrics",
                "/jobs/metrics", "/jobs/" + id, "/jobs/" + id + "/config", "/jobs/" + id + "/jobmanager/config",
                "/jobs/" + id + "/jobmanager/environment", "/jobs/" + id + "/jobmanager/log-url", "/jobs/" + id + "/exceptions",
                "/jobs/" + id + "/accumulators", "/jobs/" + id + "/checkpoints", "/jobs/" + id + "/checkpoints/config",
                "/jobs/" + id + "/plan", "/jobs/" + id + "/metrics", "/jobs/" + id + "/status", "/jobs/" + id + "/taskmanagers"));
        JsonNode job = Json.mapper().readTree(get(http, rest, "/jobs/" + id).body());
        for (JsonNode v : job.path("vertices")) {
            String base = "/jobs/" + id + "/vertices/" + v.get("id").asText();
            for (String sub : List.of("", "/metrics", "/subtasks/metrics", "/accumulators", "/subtasks/accumulators", "/watermarks",
                    "/subtasktimes", "/taskmanagers", "/subtasks/0", "/subtasks/0/attempts/0")) {
                pages.add(base + sub);
            }
        }
        JsonNode tms = Json.mapper().readTree(get(http, rest, "/taskmanagers").body());
        for (JsonNode tm : tms.path("taskmanagers")) {
            String base = "/taskmanagers/" + tm.get("id").asText();
            pages.addAll(List.of(base, base + "/metrics", base + "/logs"));
        }
        for (String page : pages) {
            HttpResponse<String> r = get(http, rest, page);
            status.put(page.replace(id.toString(), "<job>"), r.statusCode());
            scanner.scan("rest", page, r.body());
            // A metric list: fetch the values too, in chunks that keep the URL short.
            if (page.endsWith("/metrics") && r.statusCode() == 200) {
                List<String> names = new ArrayList<>();
                for (JsonNode m : Json.mapper().readTree(r.body())) {
                    names.add(m.path("id").asText());
                }
                for (int i = 0; i < names.size(); i += 40) {
                    String get = String.join(",", names.subList(i, Math.min(names.size(), i + 40)));
                    HttpResponse<String> values = get(http, rest, page + "?get=" + URLEncoder.encode(get, StandardCharsets.UTF_8));
                    scanner.scan("rest", page + " values", values.body());
                }
            }
        }
        return status;
    }

    private static HttpResponse<String> get(HttpClient http, URI rest, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Committed decisions (records with a target) until there are {@code n} or time is up. */
    private static List<JsonNode> committedDecisions(int n, Duration max) {
        return decisions(InJvmKafka.pollJson(kafka, "scaling-decisions", out -> decisions(out).size() >= n, max));
    }

    private static List<JsonNode> decisions(List<JsonNode> records) {
        return records.stream().filter(d -> d.has("target")).toList();
    }

    /** Every record of a topic, uncommitted (aborted or open transactions) included: read up to its end offsets. */
    private static List<String> readAll(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_uncommitted");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Passes decisions on; plants the canary in keyed state, a metric group and a log line. */
    static final class CanaryState extends KeyedProcessFunction<String, ScalingDecision, ScalingDecision> {
        private static final long serialVersionUID = 1L;
        private static final Logger CANARY_LOG = LoggerFactory.getLogger(CanaryState.class);
        private transient ValueState<String> planted;

        @Override
        public void open(OpenContext openContext) {
            planted = getRuntimeContext().getState(new ValueStateDescriptor<>("canary", Types.STRING));
            getRuntimeContext().getMetricGroup().addGroup("canary", CANARY).counter("planted");
            CANARY_LOG.info("privacy canary operator opened: {}", CANARY);
        }

        @Override
        public void processElement(ScalingDecision d, Context ctx, Collector<ScalingDecision> out) throws Exception {
            planted.update(CANARY);
            out.collect(d);
        }
    }

    /** A log4j2 appender that keeps every event's text (logger, message, context, thrown chain) in memory. */
    static final class MemoryAppender extends AbstractAppender {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        private MemoryAppender() {
            super("privacy-scan-memory", null, null, true, Property.EMPTY_ARRAY);
        }

        /** Adds the appender to the root logger and opens the levels: INFO everywhere, DEBUG for Prescale. */
        static MemoryAppender install() {
            MemoryAppender a = new MemoryAppender();
            a.start();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configurator.setRootLevel(Level.INFO);
            Configurator.setLevel(Map.of("org.apache.flink", Level.INFO, "org.apache.kafka", Level.INFO,
                    "org.apache.flink.runtime.metrics.groups", Level.INFO, "dev.prescale", Level.DEBUG));
            org.apache.logging.log4j.core.config.Configuration cfg = ctx.getConfiguration();
            cfg.addAppender(a);
            // The console keeps showing warnings only; the memory appender gets everything.
            org.apache.logging.log4j.core.Appender console = cfg.getAppender("Console");
            if (console != null) {
                cfg.getRootLogger().removeAppender("Console");
                cfg.getRootLogger().addAppender(console, Level.WARN, null);
            }
            cfg.getRootLogger().addAppender(a, Level.ALL, null);
            ctx.updateLoggers();
            return a;
        }

        /** Restores the test logging configuration from its file. */
        void uninstall() {
            ((LoggerContext) LogManager.getContext(false)).reconfigure();
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        @Override
        public void append(LogEvent e) {
            StringBuilder b = new StringBuilder(e.getLoggerName()).append(' ').append(e.getMessage().getFormattedMessage());
            if (e.getContextData() != null && !e.getContextData().isEmpty()) {
                b.append(' ').append(e.getContextData());
            }
            for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
                b.append(" | ").append(t);
            }
            lines.add(b.toString());
        }
    }
}
