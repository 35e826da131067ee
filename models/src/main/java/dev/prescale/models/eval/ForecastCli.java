package dev.prescale.models.eval;

import dev.prescale.models.Forecaster;
import dev.prescale.models.GuardedForecaster;
import dev.prescale.models.baseline.NaiveForecaster;
import dev.prescale.models.baseline.SeasonalNaiveForecaster;
import dev.prescale.models.combine.CombinationSpec;
import dev.prescale.models.lstm.LstmForecaster;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Forecast evaluation command line: replays a trace causally for task H1 or H24, writes the model's
 * rows {@code origin,step,p10,p50,p90}, and prints MASE, sMAPE, coverage80 and pinball for the
 * model, {@code naive} and {@code snaive}. {@code --all} does every trace of a folder and prints
 * medians; {@code --holdout-models} adds, per trace, a model whose training data left it out.
 * {@code lstm} is the model as shipped (network combined with the statistical candidates; an
 * artifact without a combination gets the default one), {@code lstm-net} the network alone;
 * {@code --short-backtests N --short-stride S --day-backtests N --day-stride S --weighting W --top K}
 * override the combination.
 */
public final class ForecastCli {

    static final String DEFAULT_MODEL = "models/artifacts/lstm-quantile/1";
    static final String DEFAULT_TRACES = dev.prescale.models.trace.SharedTraces.defaultDir().toString();

    private ForecastCli() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        List<EvaluationTask> tasks = new ArrayList<>();
        for (String t : a.getOrDefault("task", "H1").split(",")) {
            tasks.add(EvaluationTask.valueOf(t.trim().toUpperCase(Locale.ROOT)));
        }
        Path modelDir = Paths.get(a.getOrDefault("model", DEFAULT_MODEL));
        List<LstmForecaster> holdouts = new ArrayList<>();
        try (LstmForecaster model = LstmForecaster.load(modelDir)) {
            if (a.containsKey("holdout-models")) {
                for (String d : a.get("holdout-models").split(",")) {
                    holdouts.add(LstmForecaster.load(Paths.get(d.trim())));
                }
            }
            List<Path> files = new ArrayList<>();
            if (a.containsKey("all")) {
                try (Stream<Path> s = Files.list(Paths.get(a.getOrDefault("traces", DEFAULT_TRACES)))) {
                    s.filter(p -> p.toString().endsWith(".csv")).sorted().forEach(files::add);
                }
            } else if (a.containsKey("trace")) {
                files.add(Paths.get(a.get("trace")));
            } else {
                throw new IllegalArgumentException("give --trace FILE or --all");
            }
            CombinationSpec c = combination(a, model.metadata().combination());
            List<LstmForecaster> combined = new ArrayList<>();
            for (LstmForecaster h : holdouts) {
                combined.add(h.withCombination(c));
            }
            for (EvaluationTask task : tasks) {
                evaluate(task, files, a, model.withCombination(c), combined);
            }
        } finally {
            holdouts.forEach(LstmForecaster::close);
        }
    }

    private static void evaluate(EvaluationTask task, List<Path> files, Map<String, String> a, LstmForecaster model,
            List<LstmForecaster> holdouts) throws IOException {
        Map<String, List<ForecastMetrics.Scores>> perForecaster = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "%n== task %s, model %s ==%n", task, model.version());
        System.out.printf(Locale.ROOT, "%-40s %-16s %8s %8s %8s %8s %6s %s%n", "trace", "forecaster", "MASE", "sMAPE",
                "cov80", "pinball", "points", "");
        for (Path file : files) {
            TraceReader reader = new TraceReader().intervalSeconds(Long.parseLong(a.getOrDefault("interval", "300")));
            if (a.containsKey("column")) {
                reader.column(a.get("column"));
            }
            Trace trace = reader.read(file);
            EvaluationTask.Setup setup = task.setup(trace);
            if (setup.originIndex().length == 0) {
                System.out.printf(Locale.ROOT, "%-40s no origin: trace shorter than 3 days plus a horizon%n", trace.name());
                continue;
            }
            String id = trace.name() + ":" + trace.column();
            Map<String, Forecaster> forecasters = new LinkedHashMap<>();
            forecasters.put("lstm", model);
            forecasters.put("lstm-net", model.networkOnly());
            LstmForecaster holdout = holdoutFor(holdouts, trace.name());
            if (holdout != null) {
                forecasters.put("lstm-heldout", holdout);
                forecasters.put("lstm-net-heldout", holdout.networkOnly());
            }
            // A fresh guard per trace: it learns the per-series errors from the replayed history only.
            forecasters.put("guarded", new GuardedForecaster(model.networkOnly(), new SeasonalNaiveForecaster()));
            forecasters.put("naive", new NaiveForecaster());
            forecasters.put("snaive", new SeasonalNaiveForecaster());
            for (Map.Entry<String, Forecaster> e : forecasters.entrySet()) {
                TraceReplay.Result r = TraceReplay.run(setup, e.getValue(), id);
                ForecastMetrics.Scores s = r.scores();
                perForecaster.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(s);
                long fallbacks = r.forecasts().stream().filter(f -> f.note().startsWith("fallback")).count();
                System.out.printf(Locale.ROOT, "%-40s %-16s %8.3f %8.2f %8.1f %8.4f %6d %s%n", trace.name(), e.getKey(),
                        s.mase(), s.smape(), s.coverage80(), s.pinball(), s.points(),
                        fallbacks > 0 ? fallbacks + " fallbacks" : "");
                if (e.getKey().equals("lstm")) {
                    Path out = outFile(a, trace, task, files.size() > 1);
                    if (out != null) {
                        r.writeCsv(out);
                    }
                }
            }
        }
        if (files.size() > 1) {
            System.out.printf(Locale.ROOT, "-- medians over %d traces, task %s --%n", files.size(), task);
            for (Map.Entry<String, List<ForecastMetrics.Scores>> e : perForecaster.entrySet()) {
                List<ForecastMetrics.Scores> l = e.getValue();
                System.out.printf(Locale.ROOT, "%-40s %-16s %8.3f %8.2f %8.1f %8.4f %6d%n", "MEDIAN", e.getKey(),
                        ForecastMetrics.median(l.stream().mapToDouble(ForecastMetrics.Scores::mase).toArray()),
                        ForecastMetrics.median(l.stream().mapToDouble(ForecastMetrics.Scores::smape).toArray()),
                        ForecastMetrics.median(l.stream().mapToDouble(ForecastMetrics.Scores::coverage80).toArray()),
                        ForecastMetrics.median(l.stream().mapToDouble(ForecastMetrics.Scores::pinball).toArray()),
                        l.size());
            }
        }
    }

    /** The combination to evaluate: the artifact's (or the default), with any command-line overrides. */
    static CombinationSpec combination(Map<String, String> a, CombinationSpec saved) {
        CombinationSpec c = saved == null ? CombinationSpec.defaults() : saved;
        return new CombinationSpec(
                Integer.parseInt(a.getOrDefault("short-backtests", "" + c.shortBacktests())),
                Integer.parseInt(a.getOrDefault("short-stride", "" + c.shortStride())),
                Integer.parseInt(a.getOrDefault("day-backtests", "" + c.dayBacktests())),
                Integer.parseInt(a.getOrDefault("day-stride", "" + c.dayStride())),
                a.getOrDefault("weighting", c.weighting()),
                Integer.parseInt(a.getOrDefault("top", "" + c.top())));
    }

    private static LstmForecaster holdoutFor(List<LstmForecaster> holdouts, String traceName) {
        for (LstmForecaster h : holdouts) {
            if (!h.metadata().trainingData().contains(traceName)) {
                return h;
            }
        }
        return null;
    }

    private static Path outFile(Map<String, String> a, Trace trace, EvaluationTask task, boolean many) {
        if (many) {
            String dir = a.get("out-dir");
            return dir == null ? null : Paths.get(dir, trace.name().replace(".csv", "") + "-" + task + ".csv");
        }
        String out = a.get("out");
        return out == null ? null : Paths.get(out);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("all")) {
                a.put(key, "true");
            } else if (i + 1 < args.length) {
                a.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return a;
    }
}
