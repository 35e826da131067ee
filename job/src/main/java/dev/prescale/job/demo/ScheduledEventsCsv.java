package dev.prescale.job.demo;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads scheduled events from a CSV with the header
 * {@code id,group,start,end,cpu,memory,storage,network} (times as {@code yyyy-MM-dd HH:mm:ss} UTC
 * or epoch seconds; empty resource cells are left out). Each is published {@code leadMillis}
 * before its start, or at the start of the replay when that is later.
 */
public final class ScheduledEventsCsv {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final String[] RESOURCES = {"cpu", "memory", "storage", "network"};

    private ScheduledEventsCsv() {}

    /** Reads the file and turns every row into an announcement. */
    public static List<Announcement> read(Path file, long leadMillis, long replayStart) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Announcement> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length < 4) {
                throw new IOException(file + " line " + (n + 1) + ": expected id,group,start,end,...");
            }
            Map<ResourceType, Double> extra = new EnumMap<>(ResourceType.class);
            for (int r = 0; r < RESOURCES.length && 4 + r < c.length; r++) {
                if (!c[4 + r].isBlank()) {
                    extra.put(ResourceType.fromJsonName(RESOURCES[r]), Double.parseDouble(c[4 + r].trim()));
                }
            }
            long start = time(c[2].trim());
            long end = time(c[3].trim());
            if (end <= start) {
                throw new IOException(file + " line " + (n + 1) + ": end is not after start");
            }
            ScheduledEvent e = new ScheduledEvent(c[0].trim(), c[1].trim(), start, end, extra);
            out.add(new Announcement(Math.max(replayStart, start - leadMillis), e));
        }
        out.sort((a, b) -> Long.compare(a.publishAtMillis(), b.publishAtMillis()));
        return out;
    }

    private static long time(String s) {
        if (s.indexOf(':') < 0) {
            return Math.round(Double.parseDouble(s) * 1000.0);
        }
        return LocalDateTime.parse(s, DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
