package dev.prescale.models.lstm;

import dev.prescale.models.eval.EvaluationTask;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Training series and windows: reads trace CSVs (and usage exports in the same
 * {@code timestamp,value} format), brings every series to each head's representation (native step
 * of at least 5 minutes, plus 30-minute means of 5-minute series; hourly calendar means for the
 * day-ahead head) and samples windows, the last share of each series kept for validation.
 */
public final class TrainingData {

    /** A regular series: values oldest first from {@code startMillis} at {@code stepMillis}. */
    public record Series(String name, String source, long startMillis, long stepMillis, double[] values) {}

    /** Sampled training and validation windows of one head. */
    public record Windows(List<ModelWindow> train, List<ModelWindow> validation) {}

    /** The short head also learns from every 5-minute series averaged over this many steps (30 minutes). */
    public static final int COARSE_FACTOR = 6;

    private TrainingData() {}

    /**
     * Reads every file as traces: the {@code value} column, or, for files without a time column and
     * without {@code value} (several resources at once), every column as its own series.
     */
    public static List<Trace> readTraces(List<Path> files, long intervalSeconds) throws IOException {
        List<Trace> out = new ArrayList<>();
        for (Path f : files) {
            List<String> columns = valueColumns(f);
            for (String c : columns) {
                out.add(new TraceReader().column(c).intervalSeconds(intervalSeconds).read(f));
            }
        }
        return out;
    }

    private static List<String> valueColumns(Path f) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                return List.of();
            }
            List<String> cols = new ArrayList<>();
            for (String c : header.replace("\uFEFF", "").split(",")) {
                String n = c.trim().replace("\"", "");
                String lower = n.toLowerCase(Locale.ROOT);
                if (lower.equals("value")) {
                    return List.of("value");
                }
                if (!lower.equals("timestamp") && !lower.equals("ts") && !n.isEmpty()) {
                    cols.add(n);
                }
            }
            return cols;
        }
    }

    /** Series for the short-horizon head: native step (5-minute means below 5 minutes) and 30-minute means of finer series. */
    public static List<Series> shortHeadSeries(List<Trace> traces, long gridSeconds) {
        long grid = gridSeconds * 1000L;
        List<Series> out = new ArrayList<>();
        for (Trace t : traces) {
            double[] native_ = gridOf(t);
            long step = t.stepMillis();
            String src = t.name() + ":" + t.column();
            if (step >= 3_600_000L) {
                continue;
            }
            if (step < grid) {
                double[] g = SeriesResampler.toOriginAlignedGrid(native_, step, grid);
                out.add(new Series(src + "@" + gridSeconds + "s", src, endOf(t) - g.length * grid, grid, g));
                step = grid;
                native_ = g;
            } else {
                out.add(new Series(src, src, t.timesMillis()[0], step, native_));
            }
            if (step * COARSE_FACTOR < 3_600_000L) {
                // The same demand at a coarser step teaches the head across steps (e.g. 30-minute traces).
                long coarseStep = step * COARSE_FACTOR;
                double[] coarse = SeriesResampler.toOriginAlignedGrid(native_, step, coarseStep);
                out.add(new Series(src + "@" + (coarseStep / 1000) + "s", src, endOf(t) - coarse.length * coarseStep, coarseStep, coarse));
            }
        }
        return out;
    }

    /** Series for the day-ahead head: calendar hourly means, as the H24 task defines them. */
    public static List<Series> hourlySeries(List<Trace> traces) {
        List<Series> out = new ArrayList<>();
        for (Trace t : traces) {
            if (t.stepMillis() > 3_600_000L) {
                continue;
            }
            EvaluationTask.Setup s = EvaluationTask.H24.setup(t);
            out.add(new Series(t.name() + ":" + t.column() + "@3600s", t.name() + ":" + t.column(), s.startMillis(), 3_600_000L, s.series()));
        }
        return out;
    }

    /**
     * Samples windows: every end with a full day of history and a complete horizon is a candidate;
     * ends whose horizon reaches into the last {@code validationShare} of a series are validation,
     * the rest training; at most {@code maxPerSeries} training windows per series.
     */
    public static Windows windows(List<Series> series, WindowFeaturizer f, double validationShare, int maxPerSeries, long seed) {
        List<ModelWindow> train = new ArrayList<>();
        List<ModelWindow> val = new ArrayList<>();
        for (Series s : series) {
            double[] x = s.values();
            int season = WindowFeaturizer.season(s.stepMillis());
            int cut = (int) Math.floor(x.length * (1 - validationShare));
            List<Integer> trainEnds = new ArrayList<>();
            List<Integer> valEnds = new ArrayList<>();
            for (int e = season; e + f.horizon() <= x.length; e++) {
                if (!usable(x, e, f.horizon(), season)) {
                    continue;
                }
                if (e + f.horizon() <= cut) {
                    trainEnds.add(e);
                } else if (e >= cut) {
                    valEnds.add(e);
                }
            }
            Random r = new Random(seed * 31 + s.name().hashCode());
            Collections.shuffle(trainEnds, r);
            Collections.shuffle(valEnds, r);
            for (int e : trainEnds.subList(0, Math.min(maxPerSeries, trainEnds.size()))) {
                train.add(f.build(x, e, s.stepMillis(), s.startMillis() + e * s.stepMillis(), true));
            }
            for (int e : valEnds.subList(0, Math.min(Math.max(1, maxPerSeries / 4), valEnds.size()))) {
                val.add(f.build(x, e, s.stepMillis(), s.startMillis() + e * s.stepMillis(), true));
            }
        }
        return new Windows(train, val);
    }

    private static boolean usable(double[] x, int end, int horizon, int season) {
        for (int h = 0; h < horizon; h++) {
            if (!Double.isFinite(x[end + h])) {
                return false;
            }
        }
        return Double.isFinite(WindowFeaturizer.level(x, end, season));
    }

    private static double[] gridOf(Trace t) {
        long start = t.timesMillis()[0];
        long step = t.stepMillis();
        long last = t.timesMillis()[t.size() - 1];
        int n = (int) ((last - start) / step) + 1;
        double[] g = new double[n];
        java.util.Arrays.fill(g, Double.NaN);
        for (int i = 0; i < t.size(); i++) {
            int idx = (int) Math.round((t.timesMillis()[i] - start) / (double) step);
            if (idx >= 0 && idx < n) {
                g[idx] = t.values()[i];
            }
        }
        return g;
    }

    private static long endOf(Trace t) {
        return t.timesMillis()[t.size() - 1] + t.stepMillis();
    }
}
