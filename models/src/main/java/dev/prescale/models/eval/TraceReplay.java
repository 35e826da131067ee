package dev.prescale.models.eval;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import dev.prescale.models.Forecaster;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replays a task causally: every origin gets a request holding only values before it, the
 * forecaster answers in batches, and the answers are lined up with the actuals for scoring.
 */
public final class TraceReplay {

    private static final int BATCH = 256;

    /** Forecasts of one forecaster over all origins of a task, flattened origin-major. */
    public record Result(EvaluationTask.Setup setup, List<Forecast> forecasts, ForecastMetrics.Scores scores) {

        /** Writes rows {@code origin,step,p10,p50,p90} (origin as epoch seconds). */
        public void writeCsv(Path file) throws IOException {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                w.write("origin,step,p10,p50,p90\n");
                for (int k = 0; k < forecasts.size(); k++) {
                    Forecast f = forecasts.get(k);
                    for (int h = 0; h < setup.horizon(); h++) {
                        w.write(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g%n",
                                setup.originMillis(k) / 1000, h + 1, f.p10()[h], f.p50()[h], f.p90()[h]));
                    }
                }
            }
        }
    }

    private TraceReplay() {}

    /** Runs the forecaster over every origin of the setup and scores it. */
    public static Result run(EvaluationTask.Setup setup, Forecaster forecaster, String seriesId) {
        int origins = setup.originIndex().length;
        List<Forecast> all = new ArrayList<>(origins);
        for (int from = 0; from < origins; from += BATCH) {
            List<ForecastRequest> batch = new ArrayList<>();
            for (int k = from; k < Math.min(origins, from + BATCH); k++) {
                batch.add(setup.request(seriesId, k));
            }
            all.addAll(forecaster.forecast(batch));
        }
        return new Result(setup, all, score(setup, all));
    }

    /** Scores forecasts (one per origin, in order) against the setup's actuals. */
    public static ForecastMetrics.Scores score(EvaluationTask.Setup setup, List<Forecast> forecasts) {
        int hz = setup.horizon();
        int n = forecasts.size() * hz;
        double[] y = new double[n];
        double[] p10 = new double[n];
        double[] p50 = new double[n];
        double[] p90 = new double[n];
        for (int k = 0; k < forecasts.size(); k++) {
            Forecast f = forecasts.get(k);
            for (int h = 0; h < hz; h++) {
                int i = k * hz + h;
                y[i] = setup.actual(k, h + 1);
                p10[i] = f.p10()[h];
                p50[i] = f.p50()[h];
                p90[i] = f.p90()[h];
            }
        }
        return ForecastMetrics.score(y, p10, p50, p90, setup.maseScale());
    }
}
