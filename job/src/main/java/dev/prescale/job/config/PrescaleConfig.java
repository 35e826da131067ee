package dev.prescale.job.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prescale.job.scaling.ScalingPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.MemorySize;

/**
 * The job's one configuration, bound from YAML (see {@code config/prescale.yaml}); every field has
 * a default and {@link #validate()} rejects a wrong value with a {@link ConfigException}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public class PrescaleConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The group that groups with fewer than k users in a window are merged into. */
    public static final String OTHER_GROUP = "_other";
    /** In a target's groups: every group that no other target names. */
    public static final String ANY_GROUP = "*";

    @JsonProperty public String jobName = "prescale";
    /** Operator parallelism; 0 keeps Flink's default. */
    @JsonProperty public int parallelism = 0;
    @JsonProperty public Kafka kafka = new Kafka();
    @JsonProperty public Window window = new Window();
    @JsonProperty public Anonymization anonymization = new Anonymization();
    @JsonProperty public Forecast forecast = new Forecast();
    @JsonProperty public ScalingPolicy scaling = new ScalingPolicy();
    @JsonProperty public List<Target> targets = new ArrayList<>();
    @JsonProperty public Checkpointing checkpointing = new Checkpointing();
    @JsonProperty public DecisionLog decisionLog = new DecisionLog();
    @JsonProperty public UsageLog usageLog = new UsageLog();
    @JsonProperty public Aws aws = new Aws();
    /** Any further Flink settings, by their Flink keys (e.g. {@code taskmanager.numberOfTaskSlots}). */
    @JsonProperty public Map<String, String> flink = new LinkedHashMap<>();

    /** Kafka connection and topics. */
    public static class Kafka implements Serializable {
        private static final long serialVersionUID = 1L;
        @JsonProperty public String bootstrapServers = "localhost:9092";
        @JsonProperty public String groupId = "prescale";
        /** Where a consumer group without committed offsets starts: earliest or latest. */
        @JsonProperty public String startingOffsets = "earliest";
        /** Prefix of the exactly-once sinks' transactional ids; unique per job on a cluster. */
        @JsonProperty public String transactionalIdPrefix = "prescale";
        @JsonProperty public String interactionsTopic = "interactions";
        @JsonProperty public String scheduledEventsTopic = "scheduled-events";
        @JsonProperty public String utilizationTopic = "utilization";
        @JsonProperty public String decisionsTopic = "scaling-decisions";
        /** Control records {@code {location, version?}} that hot-swap the forecast model. */
        @JsonProperty public String modelUpdatesTopic = "model-updates";
        /** Extra Kafka client properties for every source and sink (security settings, ...). */
        @JsonProperty public Map<String, String> properties = new LinkedHashMap<>();
    }

    /** Event time and aggregation windows. */
    public static class Window implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Tumbling window length, also the forecast step. */
        @JsonProperty public String size = "1m";
        /** Watermark lag behind the largest event time seen. */
        @JsonProperty public String maxOutOfOrderness = "5s";
        /** A source partition without records for this long no longer holds back event time. */
        @JsonProperty public String idleness = "30s";
        /** Records this far behind the watermark still update their window; later ones are dead-lettered. */
        @JsonProperty public String allowedLateness = "0s";
        /**
         * Records with an event time further than this ahead of processing time are dead-lettered and
         * never move event time; {@value #OFF} turns the guard off (trace replays, far from the wall clock).
         */
        @JsonProperty public String maxClockSkew = "1h";
        /** The value of {@link #maxClockSkew} that turns the guard off. */
        public static final String OFF = "off";
        /**
         * Sum interactions per group and window before the keyBy (only sums cross the network and
         * reach the window state); false sends every interaction to the window, as before.
         */
        @JsonProperty public boolean localAggregation = true;
        /**
         * The most (group, window) sums the local pre-aggregation holds before it sends them all, and
         * the window over partials holds in heap before it writes them to keyed state.
         */
        @JsonProperty public int localAggregationMaxKeys = 100_000;
    }

    /** Pseudonymization of user ids and k-anonymity of groups. */
    public static class Anonymization implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Groups with fewer distinct users in a window are merged into {@value #OTHER}. */
        @JsonProperty public int k = 5;
        /** The environment variable that holds the HMAC key (used when keyFile is not set). */
        @JsonProperty public String keyEnv = "PRESCALE_HMAC_KEY";
        /** A file that holds the HMAC key; wins over keyEnv when set. */
        @JsonProperty public String keyFile;
        private static final String OTHER = OTHER_GROUP;
    }

    /** The forecaster and what it sees. */
    public static class Forecast implements Serializable {
        private static final long serialVersionUID = 1L;
        /** {@code snaive} (built in) or a model location the LSTM loader understands. */
        @JsonProperty public String model = "snaive";
        /** How much history the forecaster sees: the length of the per-group ring. */
        @JsonProperty public String context = "2d";
        /** Forecast horizons; the forecast covers the longest. */
        @JsonProperty public List<String> horizons = new ArrayList<>(List.of("15m"));
        /** Forecast requests per micro-batch. */
        @JsonProperty public int batchSize = 64;
        /** The longest a request waits for its batch to fill. */
        @JsonProperty public String batchTimeout = "200ms";
        /** Group history is dropped after this long without a window. */
        @JsonProperty public String historyTtl = "1d";
        /**
         * Heap each subtask may give to a cache of its groups' history heads and lagged chunks
         * besides the state (about 3 KB per group at the defaults): their windows read nothing from
         * RocksDB; 0 turns it off.
         */
        @JsonProperty public String historyCacheSize = "128mb";
    }

    /** One scaling target (an Auto Scaling group) and the user groups whose demand it serves. */
    public static class Target implements Serializable {
        private static final long serialVersionUID = 1L;
        @JsonProperty public String name;
        @JsonProperty public List<String> groups = new ArrayList<>();
        /** Overrides scaling.minCapacity for this target. */
        @JsonProperty public Integer minCapacity;
        /** Overrides scaling.maxCapacity for this target. */
        @JsonProperty public Integer maxCapacity;
    }

    /** Checkpoints and state. */
    public static class Checkpointing implements Serializable {
        private static final long serialVersionUID = 1L;
        @JsonProperty public String interval = "30s";
        @JsonProperty public String directory = "file:///tmp/prescale/checkpoints";
        /** rocksdb (the default) or hashmap (for small local runs). */
        @JsonProperty public String stateBackend = "rocksdb";
    }

    /** The usage export for retraining (scripts/train.sh --usage); off when path is unset. */
    public static class UsageLog implements Serializable {
        private static final long serialVersionUID = 1L;
        /**
         * Where the usage export for retraining goes (unset: none): a file path with {@code {group}},
         * one CSV {@code timestamp,value} per group and resource (see {@code UsageLogSink}).
         */
        @JsonProperty public String path;
    }

    /** The decision-log CSV in the EVALUATION.md format; off when path is unset. */
    public static class DecisionLog implements Serializable {
        private static final long serialVersionUID = 1L;
        /** A file path; {@code {target}} in it is replaced by the target name. */
        @JsonProperty public String path;
    }

    /** Settings of the AWS Auto Scaling sink (read by that sink). */
    public static class Aws implements Serializable {
        private static final long serialVersionUID = 1L;
        /** apply (call AWS) or dry-run (log what would be called). */
        @JsonProperty public String mode = "dry-run";
        @JsonProperty public String region = "us-east-1";
        /** An endpoint URL, e.g. the local Auto Scaling endpoint; empty for AWS itself. */
        @JsonProperty public String endpointOverride;
    }

    // ------------------------------------------------------------------ loading

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // maxCapacity: 1.5 must be rejected, not silently truncated to 1.
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    /** Reads and validates a YAML file. */
    public static PrescaleConfig load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        }
    }

    /** Reads and validates YAML. */
    public static PrescaleConfig load(InputStream yaml) throws IOException {
        PrescaleConfig c;
        try {
            c = YAML.readValue(yaml, PrescaleConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(path(e), e.getPropertyName(), "a known key: " + e.getKnownPropertyIds());
        } catch (InvalidFormatException e) {
            throw new ConfigException(path(e), e.getValue(), "a value of type " + e.getTargetType().getSimpleName());
        } catch (MismatchedInputException e) {
            throw new ConfigException(path(e), "?", "a value of type " + e.getTargetType().getSimpleName());
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            if (e.getCause() instanceof ConfigException) {
                throw (ConfigException) e.getCause();
            }
            throw new ConfigException(path(e), "?", e.getOriginalMessage());
        }
        if (c == null) {
            c = new PrescaleConfig();
        }
        c.validate();
        return c;
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ validation and derived values

    /** Throws a {@link ConfigException} naming the first wrong key. */
    public void validate() {
        requireText("jobName", jobName);
        if (parallelism < 0) {
            throw new ConfigException("parallelism", parallelism, "0 (Flink's default) or a positive integer");
        }
        requireText("kafka.bootstrapServers", kafka.bootstrapServers);
        requireText("kafka.groupId", kafka.groupId);
        requireText("kafka.transactionalIdPrefix", kafka.transactionalIdPrefix);
        requireText("kafka.interactionsTopic", kafka.interactionsTopic);
        requireText("kafka.scheduledEventsTopic", kafka.scheduledEventsTopic);
        requireText("kafka.utilizationTopic", kafka.utilizationTopic);
        requireText("kafka.decisionsTopic", kafka.decisionsTopic);
        requireText("kafka.modelUpdatesTopic", kafka.modelUpdatesTopic);
        if (!"earliest".equals(kafka.startingOffsets) && !"latest".equals(kafka.startingOffsets)) {
            throw new ConfigException("kafka.startingOffsets", kafka.startingOffsets, "earliest or latest");
        }
        long w = positive("window.size", window.size).toMillis();
        if (w < 1000) {
            throw new ConfigException("window.size", window.size, "at least 1s");
        }
        nonNegative("window.maxOutOfOrderness", window.maxOutOfOrderness);
        positive("window.idleness", window.idleness);
        nonNegative("window.allowedLateness", window.allowedLateness);
        if (!Window.OFF.equals(window.maxClockSkew)) {
            if (window.maxClockSkew == null || !DURATION.matcher(window.maxClockSkew).matches()) {
                throw new ConfigException("window.maxClockSkew", window.maxClockSkew, "a positive duration such as 1h, or off");
            }
            positive("window.maxClockSkew", window.maxClockSkew);
        }
        if (window.localAggregationMaxKeys < 1 || window.localAggregationMaxKeys > 10_000_000) {
            throw new ConfigException("window.localAggregationMaxKeys", window.localAggregationMaxKeys, "an integer in [1, 10000000]");
        }
        if (anonymization.k < 1) {
            throw new ConfigException("anonymization.k", anonymization.k, "an integer >= 1");
        }
        if (anonymization.keyFile == null || anonymization.keyFile.isBlank()) {
            requireText("anonymization.keyEnv", anonymization.keyEnv);
        }
        requireText("forecast.model", forecast.model);
        if (usageLog != null && usageLog.path != null && !usageLog.path.isBlank() && !usageLog.path.contains("{group}")) {
            throw new ConfigException("usageLog.path", usageLog.path, "a file path containing {group}");
        }
        if (positive("forecast.context", forecast.context).toMillis() < w) {
            throw new ConfigException("forecast.context", forecast.context, "at least one window (" + window.size + ")");
        }
        if (forecast.horizons == null || forecast.horizons.isEmpty()) {
            throw new ConfigException("forecast.horizons", forecast.horizons, "a non-empty list of durations");
        }
        for (int i = 0; i < forecast.horizons.size(); i++) {
            positive("forecast.horizons." + i, forecast.horizons.get(i));
        }
        if (forecast.batchSize < 1 || forecast.batchSize > 100_000) {
            throw new ConfigException("forecast.batchSize", forecast.batchSize, "an integer in [1, 100000]");
        }
        positive("forecast.batchTimeout", forecast.batchTimeout);
        positive("forecast.historyTtl", forecast.historyTtl);
        historyCacheBytes();
        if (scaling == null) {
            throw new ConfigException("scaling", null, "a scaling section");
        }
        scaling.validate("scaling");
        validateTargets();
        positive("checkpointing.interval", checkpointing.interval);
        requireText("checkpointing.directory", checkpointing.directory);
        if (!"rocksdb".equals(checkpointing.stateBackend) && !"hashmap".equals(checkpointing.stateBackend)) {
            throw new ConfigException("checkpointing.stateBackend", checkpointing.stateBackend, "rocksdb or hashmap");
        }
        if (!"apply".equals(aws.mode) && !"dry-run".equals(aws.mode)) {
            throw new ConfigException("aws.mode", aws.mode, "apply or dry-run");
        }
        requireText("aws.region", aws.region);
        if (aws.endpointOverride != null && !aws.endpointOverride.isBlank() && !isHttpUrl(aws.endpointOverride)) {
            throw new ConfigException("aws.endpointOverride", aws.endpointOverride, "an http(s) URL such as http://localhost:4566, or empty");
        }
        if (flink == null) {
            flink = new LinkedHashMap<>();
        }
    }

    private void validateTargets() {
        if (targets == null || targets.isEmpty()) {
            throw new ConfigException("targets", targets, "at least one target with a name and groups");
        }
        Set<String> names = new HashSet<>();
        Set<String> groups = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            String key = "targets." + i;
            if (t == null) {
                throw new ConfigException(key, null, "a target");
            }
            requireText(key + ".name", t.name);
            if (!names.add(t.name)) {
                throw new ConfigException(key + ".name", t.name, "a name no other target has");
            }
            if (t.groups == null || t.groups.isEmpty()) {
                throw new ConfigException(key + ".groups", t.groups, "a non-empty list of groups, or [\"*\"]");
            }
            for (String g : t.groups) {
                if (g == null || g.isBlank() || !groups.add(g)) {
                    throw new ConfigException(key + ".groups", g, "a group that no other target names");
                }
            }
            int min = t.minCapacity != null ? t.minCapacity : scaling.minCapacity;
            int max = t.maxCapacity != null ? t.maxCapacity : scaling.maxCapacity;
            if (min < 0) {
                throw new ConfigException(key + ".minCapacity", min, "an integer >= 0");
            }
            if (max < Math.max(1, min)) {
                throw new ConfigException(key + ".maxCapacity", max, "an integer >= max(1, minCapacity " + min + ")");
            }
        }
    }

    /** group -> target; {@link #ANY_GROUP} maps every group not named elsewhere. */
    public Map<String, String> groupToTarget() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Target t : targets) {
            for (String g : t.groups) {
                m.put(g, t.name);
            }
        }
        return m;
    }

    /** The scaling policy of one target: the shared one with the target's limits. */
    public ScalingPolicy policyFor(String targetName) {
        for (Target t : targets) {
            if (t.name.equals(targetName) && (t.minCapacity != null || t.maxCapacity != null)) {
                ScalingPolicy copy = deepCopy(scaling);
                if (t.minCapacity != null) {
                    copy.minCapacity = t.minCapacity;
                }
                if (t.maxCapacity != null) {
                    copy.maxCapacity = t.maxCapacity;
                }
                return copy;
            }
        }
        return scaling;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T deepCopy(T value) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot copy " + value.getClass().getName(), e);
        }
    }

    public long windowMillis() {
        return parseDuration("window.size", window.size).toMillis();
    }

    public long maxOutOfOrdernessMillis() {
        return parseDuration("window.maxOutOfOrderness", window.maxOutOfOrderness).toMillis();
    }

    public long idlenessMillis() {
        return parseDuration("window.idleness", window.idleness).toMillis();
    }

    public long allowedLatenessMillis() {
        return parseDuration("window.allowedLateness", window.allowedLateness).toMillis();
    }

    /** How far ahead of processing time an event may be; 0 when the guard is off. */
    public long maxClockSkewMillis() {
        return Window.OFF.equals(window.maxClockSkew) ? 0 : parseDuration("window.maxClockSkew", window.maxClockSkew).toMillis();
    }

    /** Windows of history kept per group: ceil(context / window). */
    public int contextWindows() {
        long w = windowMillis();
        return (int) Math.max(1, (parseDuration("forecast.context", forecast.context).toMillis() + w - 1) / w);
    }

    /** Forecast steps: the longest horizon in windows, rounded up. */
    public int horizonSteps() {
        long w = windowMillis();
        long max = 0;
        for (int i = 0; i < forecast.horizons.size(); i++) {
            max = Math.max(max, parseDuration("forecast.horizons." + i, forecast.horizons.get(i)).toMillis());
        }
        return (int) Math.max(1, (max + w - 1) / w);
    }

    public long batchTimeoutMillis() {
        return parseDuration("forecast.batchTimeout", forecast.batchTimeout).toMillis();
    }

    /** {@code forecast.historyCacheSize} in bytes. */
    public long historyCacheBytes() {
        String text = forecast.historyCacheSize;
        String expected = "a size such as 0, 64mb or 1gb";
        if (text == null) {
            throw new ConfigException("forecast.historyCacheSize", null, expected);
        }
        try {
            return MemorySize.parse(text).getBytes();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("forecast.historyCacheSize", text, expected);
        }
    }

    public long historyTtlMillis() {
        return parseDuration("forecast.historyTtl", forecast.historyTtl).toMillis();
    }

    public long checkpointIntervalMillis() {
        return parseDuration("checkpointing.interval", checkpointing.interval).toMillis();
    }

    private static final Pattern DURATION = Pattern.compile("^\\s*(\\d+)\\s*(ms|s|m|min|h|d)\\s*$");

    /** Parses {@code 200ms}, {@code 5s}, {@code 1m}/{@code 1min}, {@code 1h}, {@code 2d}. */
    public static Duration parseDuration(String key, String text) {
        if (text == null) {
            throw new ConfigException(key, null, "a duration such as 200ms, 5s, 1m, 1h or 2d");
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(key, text, "a duration such as 200ms, 5s, 1m, 1h or 2d");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            default:
                return Duration.ofDays(n);
        }
    }

    private static Duration positive(String key, String text) {
        Duration d = parseDuration(key, text);
        if (d.isZero()) {
            throw new ConfigException(key, text, "a positive duration");
        }
        return d;
    }

    private static void nonNegative(String key, String text) {
        parseDuration(key, text);
    }

    private static boolean isHttpUrl(String text) {
        try {
            java.net.URI u = new java.net.URI(text.trim());
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, value, "a non-empty string");
        }
    }
}
