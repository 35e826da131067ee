package dev.prescale.job.io;

import dev.prescale.connectors.records.ScalingDecision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Appends decisions to a CSV per target in the EVALUATION.md decision format
 * {@code timestamp,desired_capacity,warm_pool_size,confidence,risk_level,reason}, timestamps as
 * {@code yyyy-MM-dd HH:mm:ss} UTC. {@code {target}} in the path is replaced by the target; a path
 * without it gets {@code -<target>} before its extension when a second target appears. Flushed on
 * every checkpoint; after a restore from a checkpoint, decisions made since it may appear twice.
 * Run it with parallelism 1.
 */
public class DecisionLogSink implements Sink<ScalingDecision> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER = "timestamp,desired_capacity,warm_pool_size,confidence,risk_level,reason";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String pathTemplate;

    public DecisionLogSink(String pathTemplate) {
        this.pathTemplate = pathTemplate;
    }

    @Override
    public SinkWriter<ScalingDecision> createWriter(WriterInitContext context) {
        return new Writer(pathTemplate);
    }

    /** The file a target's decisions go to. */
    static Path pathFor(String template, String target, boolean onlyTarget) {
        if (template.contains("{target}")) {
            return Path.of(template.replace("{target}", target));
        }
        if (onlyTarget) {
            return Path.of(template);
        }
        int dot = template.lastIndexOf('.');
        int slash = template.lastIndexOf('/');
        return dot > slash ? Path.of(template.substring(0, dot) + "-" + target + template.substring(dot))
                : Path.of(template + "-" + target);
    }

    /** One CSV row for a decision. */
    public static String row(ScalingDecision d) {
        return TIME.format(Instant.ofEpochMilli(d.timestamp)) + "," + d.desiredCapacity + "," + d.warmPoolSize + ","
                + String.format(Locale.ROOT, "%.4f", d.confidence) + "," + csv(d.riskLevel) + "," + csv(d.reason);
    }

    private static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"").replace("\n", " ") + "\"";
        }
        return s;
    }

    private static final class Writer implements SinkWriter<ScalingDecision> {
        private final String template;
        private final Map<String, BufferedWriter> files = new HashMap<>();
        private String firstTarget;

        Writer(String template) {
            this.template = template;
        }

        @Override
        public void write(ScalingDecision d, Context context) throws IOException {
            BufferedWriter w = files.get(d.target);
            if (w == null) {
                if (firstTarget == null) {
                    firstTarget = d.target;
                }
                // The first target keeps the plain name; later ones get their own file.
                Path p = pathFor(template, d.target, d.target.equals(firstTarget));
                if (p.getParent() != null) {
                    Files.createDirectories(p.getParent());
                }
                boolean fresh = !Files.exists(p) || Files.size(p) == 0;
                w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                if (fresh) {
                    w.write(HEADER);
                    w.newLine();
                }
                files.put(d.target, w);
            }
            w.write(row(d));
            w.newLine();
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            for (BufferedWriter w : files.values()) {
                w.flush();
            }
        }

        @Override
        public void close() throws IOException {
            for (BufferedWriter w : files.values()) {
                w.close();
            }
            files.clear();
        }
    }
}
