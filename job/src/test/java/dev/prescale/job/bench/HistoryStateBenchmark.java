package dev.prescale.job.bench;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.ForecastTask;
import dev.prescale.job.pipeline.GroupHistoryFunction;
import dev.prescale.job.pipeline.GroupWindow;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.SummaryPlan;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Steady-state cost of the group-history operator per group and window (issue 8), old layout (one
 * ring value per group, {@link RingGroupHistoryFunction}) against the chunked one
 * ({@link GroupHistoryFunction}), side by side in one JVM on the RocksDB backend, each in a keyed
 * harness: G groups get a full context of one-minute windows first (not timed), then W more
 * windows per group are timed, alternating old and new round by round. Also timed, on the tasks of
 * the last round: Flink's copy of a task between chained operators (object reuse off), and the
 * seasonal naive forecaster on them (4 series per task, batches as in the job).
 *
 * <p>Pre-fill: the chunked layout gets every window of the context (as updates, so that no forecast
 * is built while filling; the state is the same). The ring's state is one fixed-size value of
 * 9 x context doubles from its first window on, so it gets two windows a context apart: the same
 * bytes read and written per window as a full ring, and tasks of full length.
 *
 * <p>{@code --old uncached} makes "old" the chunked layout without its heap cache of heads and
 * chunks ({@code cacheBytes(0)}, the history before the eleventh pass), pre-filled as the new one:
 * the cache's gain alone.
 *
 * <pre>scripts/history-benchmark.sh --groups 200 --windows 5 [--context 2880] [--chunk 60]
 *     [--covariates false] [--rocksdb-memory 256mb] [--batch 64] [--work-dir /tmp/prescale-history-bench]
 *     [--summaries true (the new layout with the seasonal naive summary plan)]
 *     [--old ring|uncached] [--jfr FILE (a profile of the timed rounds only)]</pre>
 */
public final class HistoryStateBenchmark {
    private static final long W = 60_000;
    private static final long BASE = 1_767_225_600_000L / W;

    private HistoryStateBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int groups = Integer.parseInt(o.getOrDefault("groups", "200"));
        int windows = Integer.parseInt(o.getOrDefault("windows", "5"));
        int context = Integer.parseInt(o.getOrDefault("context", "2880"));
        int chunk = Integer.parseInt(o.getOrDefault("chunk", String.valueOf(GroupHistoryFunction.DEFAULT_CHUNK_WINDOWS)));
        boolean covariates = Boolean.parseBoolean(o.getOrDefault("covariates", "false"));
        // With the seasonal naive summary plan: the first timed window of an hour reads the whole
        // history and summarizes it, the others read the chunks a season back only.
        boolean summaries = Boolean.parseBoolean(o.getOrDefault("summaries", "false"));
        SummaryPlan plan = summaries ? new SeasonalNaiveForecaster().summaryPlan(W, 15) : null;
        String memory = o.getOrDefault("rocksdb-memory", "256mb");
        int batch = Integer.parseInt(o.getOrDefault("batch", "64"));
        Path work = Path.of(o.getOrDefault("work-dir", "/tmp/prescale-history-bench"));
        Files.createDirectories(work);
        System.out.printf(Locale.ROOT, "groups=%d timed windows=%d context=%d windows of 1 min, chunk=%d, covariates=%s, "
                + "RocksDB fixed memory %s per harness, summaries=%s%n", groups, windows, context, chunk, covariates, memory,
                summaries);

        String oldLayout = o.getOrDefault("old", "ring");
        if (!oldLayout.equals("ring") && !oldLayout.equals("uncached")) {
            throw new IllegalArgumentException("--old must be ring or uncached, not " + oldLayout);
        }
        boolean ring = oldLayout.equals("ring");
        System.out.println("old: " + (ring ? "the single-value ring" : "the chunked layout without its heap cache")
                + "; new: the chunked layout with its cache of " + (GroupHistoryFunction.DEFAULT_CACHE_BYTES >> 20) + " MB");

        long ttl = 86_400_000L;
        KeyedProcessFunction<String, GroupWindow, ForecastTask> oldFunction = ring
                ? new RingGroupHistoryFunction(context, W, 15, ttl)
                : new GroupHistoryFunction(context, W, 15, ttl, covariates, chunk, plan).cacheBytes(0);
        var old = harness(oldFunction, memory, work.resolve("old"));
        GroupHistoryFunction chunked = new GroupHistoryFunction(context, W, 15, ttl, covariates, chunk, plan);
        var neu = harness(chunked, memory, work.resolve("new"));
        try {
            Random rnd = new Random(42);
            long t0 = System.nanoTime();
            if (ring) {
                for (int g = 0; g < groups; g++) {
                    old.processElement(window(g, BASE + 1, rnd, true), 0);
                    old.processElement(window(g, BASE + context, rnd, true), 0);
                }
            } else {
                Random same = new Random(42);
                for (int k = 1; k <= context; k++) {
                    for (int g = 0; g < groups; g++) {
                        old.processElement(window(g, BASE + k, same, true), 0);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "pre-fill old: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            for (int k = 1; k <= context; k++) {
                for (int g = 0; g < groups; g++) {
                    neu.processElement(window(g, BASE + k, rnd, true), 0);
                }
            }
            System.out.printf(Locale.ROOT, "pre-fill new: %.1f s (%d windows)%n", (System.nanoTime() - t0) / 1e9,
                    (long) context * groups);

            // A profile of the timed part only (--jfr FILE): the pre-fill would dominate a whole-run one.
            jdk.jfr.Recording recording = null;
            if (o.containsKey("jfr")) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double[][] oldUs = new double[3][windows];
            double[][] newUs = new double[3][windows];
            List<ForecastTask> oldTasks = null;
            List<ForecastTask> newTasks = null;
            System.out.println("round  old wall/thread CPU/process CPU us per group-window   new wall/thread CPU/process CPU"
                    + "   new chunk reads per group-window");
            for (int t = 0; t < windows; t++) {
                long n = BASE + context + 1 + t;
                long readsBefore = chunked.chunkReads();
                for (int layout = 0; layout < 2; layout++) {
                    var h = layout == 0 ? old : neu;
                    h.getOutput().clear();
                    long wall = System.nanoTime();
                    long cpu = threads.getCurrentThreadCpuTime();
                    long proc = os.getProcessCpuTime();
                    for (int g = 0; g < groups; g++) {
                        h.processElement(window(g, n, rnd, false), n * W - 1);
                    }
                    double[][] us = layout == 0 ? oldUs : newUs;
                    us[0][t] = (System.nanoTime() - wall) / 1e3 / groups;
                    us[1][t] = (threads.getCurrentThreadCpuTime() - cpu) / 1e3 / groups;
                    us[2][t] = (os.getProcessCpuTime() - proc) / 1e3 / groups;
                    List<ForecastTask> tasks = tasks(h);
                    if (tasks.size() != groups) {
                        throw new IllegalStateException("expected " + groups + " tasks, got " + tasks.size());
                    }
                    if (layout == 0) {
                        oldTasks = tasks;
                    } else {
                        newTasks = tasks;
                    }
                }
                System.out.printf(Locale.ROOT, "%5d  %9.0f %9.0f %9.0f   %9.0f %9.0f %9.0f   %6.1f%n", t + 1, oldUs[0][t],
                        oldUs[1][t], oldUs[2][t], newUs[0][t], newUs[1][t], newUs[2][t],
                        (chunked.chunkReads() - readsBefore) / (double) groups);
            }
            System.out.printf(Locale.ROOT, "median old: wall %.0f us, thread CPU %.0f us, process CPU %.0f us per group-window%n",
                    median(oldUs[0]), median(oldUs[1]), median(oldUs[2]));
            System.out.printf(Locale.ROOT, "median new: wall %.0f us, thread CPU %.0f us, process CPU %.0f us per group-window%n",
                    median(newUs[0]), median(newUs[1]), median(newUs[2]));
            System.out.printf(Locale.ROOT, "old/new (thread CPU): %.2f%n", median(oldUs[1]) / median(newUs[1]));
            System.out.printf(Locale.ROOT, "new cache: %d groups in %.1f MB (%.0f bytes a group), %d heads and %d chunks served from it%n",
                    chunked.cache().size(), chunked.cache().bytes() / 1048576.0,
                    chunked.cache().bytes() / (double) Math.max(1, chunked.cache().size()), chunked.cache().headHits(),
                    chunked.cache().chunkHits());

            if (recording != null) {
                recording.stop();
                recording.dump(Path.of(o.get("jfr")));
                recording.close();
            }
            int maxChunks = 0;
            for (int g = 0; g < groups; g++) {
                ((KeyedProcessOperator<?, ?, ?>) neu.getOperator()).setCurrentKey(group(g));
                maxChunks = Math.max(maxChunks, chunked.storedChunks());
            }
            System.out.printf(Locale.ROOT, "new: at most %d chunks per group (bound %d), task history %d windows x %d series"
                    + " (%d values each carried%s)%n", maxChunks, (context - 1) / chunk + 2, newTasks.get(0).historySteps,
                    newTasks.get(0).history.length + newTasks.get(0).covariates.length, newTasks.get(0).history[0].length,
                    newTasks.get(0).sparse() ? ": sparse" : "");

            copies("old", oldTasks);
            copies("new", newTasks);
            forecasts(newTasks, batch);
        } finally {
            old.close();
            neu.close();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** This thread's CPU time: on a shared machine wall time mostly measures waiting for a core. */
    private static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** What the chained forward edge costs without object reuse: one serializer copy per task. */
    private static void copies(String name, List<ForecastTask> tasks) {
        TypeSerializer<ForecastTask> s = TypeInformation.of(ForecastTask.class).createSerializer(new SerializerConfigImpl());
        long sink = 0;
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = cpuNanos();
            for (ForecastTask t : tasks) {
                sink += s.copy(t).history[0].length;
            }
            best = Math.min(best, (cpuNanos() - t0) / 1e3 / tasks.size());
        }
        System.out.printf(Locale.ROOT, "copy of a task between chained operators (%s tasks, %s): %.1f us thread CPU per task (best of 5; %d)%n",
                name, s.getClass().getSimpleName(), best, sink % 10);
    }

    /** The seasonal naive forecaster on the tasks, 4 series each, in batches as the forecast operator makes them. */
    private static void forecasts(List<ForecastTask> tasks, int batch) {
        SeasonalNaiveForecaster f = new SeasonalNaiveForecaster();
        List<ForecastRequest> requests = new ArrayList<>();
        List<double[]> summaries = new ArrayList<>();
        int types = ResourceType.values().length;
        for (ForecastTask t : tasks) {
            int length = t.summaries == null ? 0 : t.summaries.length / types;
            for (ResourceType type : ResourceType.values()) {
                int r = type.ordinal();
                requests.add(new ForecastRequest(t.group + "/" + type.jsonName(), t.windowEnd, t.stepMillis,
                        t.fullHistory(r), t.horizon, Map.of()));
                summaries.add(t.summaries == null ? null : Arrays.copyOfRange(t.summaries, r * length, (r + 1) * length));
            }
        }
        boolean fromSummaries = tasks.get(0).summaries != null;
        double[] perTask = new double[10];
        for (int rep = 0; rep < perTask.length; rep++) {
            long t0 = cpuNanos();
            for (int i = 0; i < requests.size(); i += batch) {
                int to = Math.min(requests.size(), i + batch);
                if (fromSummaries) {
                    f.forecast(requests.subList(i, to), summaries.subList(i, to));
                } else {
                    f.forecast(requests.subList(i, to));
                }
            }
            perTask[rep] = (cpuNanos() - t0) / 1e3 / tasks.size();
        }
        System.out.printf(Locale.ROOT, "snaive on the new tasks (4 series of %d windows, batch %d%s): %s us thread CPU per group-window, median %.0f%n",
                tasks.get(0).historySteps, batch, fromSummaries ? ", from summaries" : "", Arrays.toString(round(perTask)),
                median(perTask));
        // What the forecaster did before it selected its quantiles: sort the day-lag errors of the
        // last two days per series (the same errors; the rest of the forecast is unchanged).
        int season = (int) (86_400_000L / tasks.get(0).stepMillis);
        double[] sorting = new double[perTask.length];
        double sink = 0;
        for (int rep = 0; rep < sorting.length; rep++) {
            long t0 = cpuNanos();
            for (ForecastRequest r : requests) {
                double[] x = r.history();
                int n = x.length;
                int window = Math.min(n, 2 * season);
                double[] d = new double[window];
                int m = 0;
                for (int t = Math.max(season, n - window); t < n; t++) {
                    if (Double.isFinite(x[t]) && Double.isFinite(x[t - season])) {
                        d[m++] = x[t] - x[t - season];
                    }
                }
                double[] sorted = Arrays.copyOf(d, m);
                Arrays.sort(sorted);
                sink += m == 0 ? 0 : sorted[m / 10];
            }
            sorting[rep] = (cpuNanos() - t0) / 1e3 / tasks.size();
        }
        System.out.printf(Locale.ROOT, "the sort the forecaster no longer does, alone: %s us thread CPU per group-window, median %.0f (%d)%n",
                Arrays.toString(round(sorting)), median(sorting), (long) sink % 10);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> harness(
            KeyedProcessFunction<String, GroupWindow, ForecastTask> f, String memory, Path dir) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), (GroupWindow w) -> w.group,
                Types.STRING);
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
        // The harness gives RocksDB almost no managed memory (it would flush constantly): a slot's worth.
        backend.getMemoryConfiguration().setFixedMemoryPerSlot(memory);
        Files.createDirectories(dir);
        backend.setDbStoragePath(dir.toString());
        h.setStateBackend(backend);
        h.setStateTtlProcessingTime(0);
        h.open();
        return h;
    }

    private static String group(int g) {
        return "group-" + g;
    }

    /** A window with a daily pattern and noise, so that the forecaster sorts realistic errors. */
    private static GroupWindow window(int g, long number, Random rnd, boolean update) {
        GroupWindow w = new GroupWindow();
        w.group = group(g);
        w.windowEnd = number * W;
        w.windowStart = w.windowEnd - W;
        double day = Math.sin(2 * Math.PI * (number % 1440) / 1440.0);
        double level = 1 + (g % 7);
        w.cpuCores = Math.max(0, level * (2 + day) + rnd.nextGaussian() * 0.3);
        w.memoryMb = Math.max(0, level * 500 * (2 + day) + rnd.nextGaussian() * 40);
        w.networkBytesPerSecond = Math.max(0, level * 1e5 * (2 + day) + rnd.nextGaussian() * 1e4);
        w.bytesWritten = rnd.nextInt(100_000);
        w.apiCalls = 100 + rnd.nextInt(50);
        w.dataAccesses = 50 + rnd.nextInt(20);
        w.uiEvents = 10 + rnd.nextInt(10);
        w.distinctUsers = 8;
        w.update = update;
        return w;
    }

    private static List<ForecastTask> tasks(KeyedOneInputStreamOperatorTestHarness<String, GroupWindow, ForecastTask> h) {
        List<ForecastTask> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord) {
                l.add((ForecastTask) ((StreamRecord<?>) o).getValue());
            }
        }
        return l;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double[] round(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.round(x[i]);
        }
        return y;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }
}
