package dev.prescale.job.io;

import dev.prescale.connectors.records.ResourceType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The usage export for retraining: one CSV per group and resource in the trace format that
 * {@code scripts/train.sh --usage DIR} reads, {@code timestamp,value}, the timestamp being the start
 * of the window ({@code yyyy-MM-dd HH:mm:ss} UTC) and the value the group's demand in it (CPU cores,
 * memory MB, storage level bytes, network bytes/s, as the forecaster sees them). The file of group
 * {@code g} and resource {@code r} is the path template with {@code {group}} replaced by {@code g}
 * and {@code -r} before the extension ({@code usage/{group}.csv} -> {@code usage/checkout-cpu.csv}).
 * Rows come after k-anonymity, so no group below k users appears on its own. A window re-emitted
 * for late records, or one already in the file after a restore from a checkpoint, is not written
 * again. Flushed on every checkpoint. Run it with parallelism 1.
 */
public class UsageLogSink implements Sink<UsageRow> {
    private static final long serialVersionUID = 1L;

    public static final String HEADER = "timestamp,value";
    public static final String GROUP = "{group}";

    private final String pathTemplate;

    public UsageLogSink(String pathTemplate) {
        if (!pathTemplate.contains(GROUP)) {
            throw new IllegalArgumentException("the usage log path needs " + GROUP + ": " + pathTemplate);
        }
        this.pathTemplate = pathTemplate;
    }

    @Override
    public SinkWriter<UsageRow> createWriter(WriterInitContext context) {
        return new Writer(pathTemplate);
    }

    /** The file of a group's resource; characters that do not belong in a file name become '_'. */
    public static Path pathFor(String template, String group, ResourceType type) {
        String p = template.replace(GROUP, group.replaceAll("[^A-Za-z0-9._-]", "_"));
        int dot = p.lastIndexOf('.');
        int slash = p.lastIndexOf('/');
        String suffix = "-" + type.jsonName();
        return dot > slash ? Path.of(p.substring(0, dot) + suffix + p.substring(dot)) : Path.of(p + suffix);
    }

    private static final class Writer implements SinkWriter<UsageRow> {
        private final String template;
        private final Map<Path, BufferedWriter> files = new HashMap<>();
        /** The last window start written per file: rows only move forward in time. */
        private final Map<Path, Long> last = new HashMap<>();

        Writer(String template) {
            this.template = template;
        }

        @Override
        public void write(UsageRow row, Context context) throws IOException {
            String time = DecisionLogSink.TIME.format(Instant.ofEpochMilli(row.windowStart));
            for (ResourceType type : ResourceType.values()) {
                Path p = pathFor(template, row.group, type);
                BufferedWriter w = open(p);
                Long previous = last.get(p);
                if (previous != null && row.windowStart <= previous) {
                    continue;
                }
                w.write(time + "," + row.observed[type.ordinal()]);
                w.newLine();
                last.put(p, row.windowStart);
            }
        }

        private BufferedWriter open(Path p) throws IOException {
            BufferedWriter w = files.get(p);
            if (w != null) {
                return w;
            }
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            boolean fresh = !Files.exists(p) || Files.size(p) == 0;
            if (!fresh) {
                lastTimeIn(p);
            }
            w = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (fresh) {
                w.write(HEADER);
                w.newLine();
            }
            files.put(p, w);
            return w;
        }

        /** After a restart, the file's last timestamp: windows up to it are not written twice. */
        private void lastTimeIn(Path p) throws IOException {
            String lastLine = null;
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && !line.startsWith(HEADER)) {
                    lastLine = line;
                }
            }
            if (lastLine != null) {
                String time = lastLine.substring(0, lastLine.indexOf(','));
                last.put(p, java.time.LocalDateTime.parse(time, DecisionLogSink.TIME).toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
            }
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
