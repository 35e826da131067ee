package dev.prescale.models.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a trace CSV as EVALUATION.md defines it: a time column ({@code timestamp} as
 * {@code yyyy-MM-dd HH:mm:ss} UTC or epoch seconds, or {@code ts} in epoch seconds) and one value
 * column; a file without a time column starts at 2020-01-01 00:00:00 UTC with a given interval.
 * Rows with a missing or unparsable value are skipped and counted, never fatal.
 */
public final class TraceReader {

    /** Start of files that have no time column. */
    public static final long NO_TIME_COLUMN_START_MILLIS = 1_577_836_800_000L; // 2020-01-01T00:00:00Z

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private String column = "value";
    private long intervalSeconds = 300;

    /** The value column to read (default {@code value}). */
    public TraceReader column(String column) {
        this.column = column;
        return this;
    }

    /** The interval of files without a time column (default 300 s). */
    public TraceReader intervalSeconds(long intervalSeconds) {
        if (intervalSeconds <= 0) {
            throw new IllegalArgumentException("interval must be positive: " + intervalSeconds);
        }
        this.intervalSeconds = intervalSeconds;
        return this;
    }

    /** Reads the file; {@code --column} falls back to the first non-time column when {@code value} is absent. */
    public Trace read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException("empty trace file: " + file);
            }
            String[] names = splitCsv(stripBom(header));
            int timeCol = -1;
            for (int i = 0; i < names.length; i++) {
                String n = names[i].trim().toLowerCase(Locale.ROOT);
                if (n.equals("timestamp") || n.equals("ts")) {
                    timeCol = i;
                    break;
                }
            }
            int valueCol = indexOf(names, column);
            String usedColumn = column;
            if (valueCol < 0 && column.equals("value")) {
                // A file such as alibaba2018_* has several value columns and no "value": take the first one.
                for (int i = 0; i < names.length; i++) {
                    if (i != timeCol) {
                        valueCol = i;
                        usedColumn = names[i].trim();
                        break;
                    }
                }
            }
            if (valueCol < 0) {
                throw new IOException("column '" + column + "' not in " + file + " (columns: " + String.join(",", names) + ")");
            }
            long[] tbuf = new long[1024];
            double[] vbuf = new double[1024];
            int n = 0;
            int skipped = 0;
            int row = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = splitCsv(line);
                long t;
                if (timeCol >= 0) {
                    if (timeCol >= cells.length) {
                        skipped++;
                        row++;
                        continue;
                    }
                    try {
                        t = parseTime(cells[timeCol].trim());
                    } catch (RuntimeException e) {
                        skipped++;
                        row++;
                        continue;
                    }
                } else {
                    t = NO_TIME_COLUMN_START_MILLIS + row * intervalSeconds * 1000L;
                }
                row++;
                double v;
                try {
                    v = valueCol < cells.length ? Double.parseDouble(cells[valueCol].trim()) : Double.NaN;
                } catch (NumberFormatException e) {
                    v = Double.NaN;
                }
                if (!Double.isFinite(v)) {
                    skipped++;
                    continue;
                }
                if (n == tbuf.length) {
                    tbuf = java.util.Arrays.copyOf(tbuf, n * 2);
                    vbuf = java.util.Arrays.copyOf(vbuf, n * 2);
                }
                tbuf[n] = t;
                vbuf[n] = v;
                n++;
            }
            long[] ts = java.util.Arrays.copyOf(tbuf, n);
            double[] vs = java.util.Arrays.copyOf(vbuf, n);
            long step = timeCol >= 0 ? Trace.medianSpacing(ts, intervalSeconds * 1000L) : intervalSeconds * 1000L;
            return new Trace(file.getFileName().toString(), usedColumn, ts, vs, step, skipped);
        }
    }

    /** Parses {@code yyyy-MM-dd HH:mm:ss} (UTC) or epoch seconds. */
    static long parseTime(String s) {
        if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.indexOf(':') < 0) {
            return Math.round(Double.parseDouble(s) * 1000.0);
        }
        return LocalDateTime.parse(s, DATE_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int indexOf(String[] names, String wanted) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].trim().equalsIgnoreCase(wanted)) {
                return i;
            }
        }
        return -1;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    private static String[] splitCsv(String line) {
        // The traces are plain CSV without quoted commas; quotes around a cell are dropped.
        String[] cells = line.split(",", -1);
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].trim();
            if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) {
                cells[i] = c.substring(1, c.length() - 1);
            }
        }
        return cells;
    }
}
