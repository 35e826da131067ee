package dev.prescale.job.eval;

import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.models.Forecaster;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The evaluation command line behind scripts/evaluate.sh:
 * {@code --trace FILE [--column NAME] [--interval SECONDS] [--config FILE] [--policy predictive|reactive]
 * [--forecaster snaive|CLASS] [--history-days N] [--engine flink|offline] [--k N] --out DIR}, or
 * {@code --all DIR --out DIR} for every CSV in a folder plus a markdown summary with medians.
 * {@code --engine flink} (the default) replays each trace through the production job graph on a
 * local MiniCluster ({@link FlinkReplay}); {@code --engine offline} runs the engine without Flink
 * ({@link OfflineReplay}), for quick sweeps. {@code --k} is the job's k-anonymity threshold (each
 * window gets that many distinct users; the job's default otherwise).
 */
public final class EvaluateMain {

    private EvaluateMain() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        String trace = null;
        String all = null;
        String column = "value";
        long interval = 300;
        String config = null;
        String mode = null;
        String forecasterName = "snaive";
        int historyDays = 8;
        String out = null;
        String engine = "flink";
        int k = FlinkReplay.defaultK();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String val = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--trace" -> { trace = need(a, val); i++; }
                case "--all" -> { all = need(a, val); i++; }
                case "--column" -> { column = need(a, val); i++; }
                case "--interval" -> { interval = Long.parseLong(need(a, val)); i++; }
                case "--config" -> { config = need(a, val); i++; }
                case "--policy" -> { mode = need(a, val); i++; }
                case "--forecaster" -> { forecasterName = need(a, val); i++; }
                case "--history-days" -> { historyDays = Integer.parseInt(need(a, val)); i++; }
                case "--out" -> { out = need(a, val); i++; }
                case "--engine" -> { engine = need(a, val); i++; }
                case "--k" -> { k = Integer.parseInt(need(a, val)); i++; }
                case "-h", "--help" -> { usage(null); return; }
                default -> usage("unknown argument: " + a);
            }
        }
        if ((trace == null) == (all == null) || out == null) {
            usage("give exactly one of --trace FILE or --all DIR, and --out DIR");
        }
        ScalingPolicy policy = config == null ? EvaluationPolicies.defaults() : EvaluationPolicies.read(Path.of(config));
        if (mode != null) {
            policy.mode = mode;
        }
        policy.validate("scaling");
        if (!engine.equals("flink") && !engine.equals("offline")) {
            usage("--engine is flink or offline, not " + engine);
        }
        FlinkReplay flink = engine.equals("flink") ? new FlinkReplay(policy, forecasterName, historyDays, 12, k) : null;
        Path outDir = Path.of(out);
        Files.createDirectories(outDir);
        TraceReader reader = new TraceReader().column(column).intervalSeconds(interval);
        List<TraceEvaluation> results = new ArrayList<>();
        try (Forecaster forecaster = forecaster(forecasterName)) {
            if (trace != null) {
                TraceEvaluation e = evaluate(reader.read(Path.of(trace)), policy, forecaster, historyDays, flink, outDir);
                ReportWriter.writeTrace(e, outDir);
                results.add(e);
            } else {
                List<Path> files;
                try (Stream<Path> s = Files.list(Path.of(all))) {
                    files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
                }
                for (Path f : files) {
                    String name = f.getFileName().toString().replaceFirst("\\.csv$", "");
                    TraceEvaluation e = evaluate(reader.read(f), policy, forecaster, historyDays, flink, outDir.resolve(name));
                    ReportWriter.writeTrace(e, outDir.resolve(name));
                    results.add(e);
                }
            }
        }
        String summary = ReportWriter.summary(results);
        Files.writeString(outDir.resolve("summary.md"), summary);
        System.out.print(summary);
    }

    /** One trace through the job on a MiniCluster (when {@code flink} is set) or offline; the job's files go to {@code dir}. */
    static TraceEvaluation evaluate(Trace trace, ScalingPolicy policy, Forecaster forecaster, int historyDays, FlinkReplay flink,
            Path dir) throws Exception {
        if (flink == null) {
            return TraceEvaluation.evaluate(trace, policy, forecaster, historyDays);
        }
        long start = System.nanoTime();
        TraceEvaluation e = flink.evaluate(trace, dir);
        System.err.printf(Locale.ROOT, "%s: %d rows through the Flink job in %.1f s%n", trace.name(), trace.size(),
                (System.nanoTime() - start) / 1e9);
        return e;
    }

    /** {@code snaive} (the baseline) or the class name of a Forecaster with a no-argument constructor. */
    static Forecaster forecaster(String name) throws ReflectiveOperationException {
        if (name.equals("snaive")) {
            return new SeasonalNaiveForecaster();
        }
        return (Forecaster) Class.forName(name).getDeclaredConstructor().newInstance();
    }

    private static String need(String flag, String val) {
        if (val == null) {
            usage(flag + " needs a value");
        }
        return val;
    }

    private static void usage(String error) {
        String text = "usage: evaluate --trace FILE [--column NAME] [--interval SECONDS] [--config FILE]\n"
                + "                [--policy predictive|reactive] [--forecaster snaive|CLASS] [--history-days N]\n"
                + "                [--engine flink|offline] [--k N] --out DIR\n"
                + "       evaluate --all DIR [same options] --out DIR\n";
        if (error != null) {
            System.err.println(error);
            System.err.print(text);
            throw new IllegalArgumentException(error);
        }
        System.out.print(text);
    }
}
