package dev.prescale.models.bench;

import dev.prescale.models.ForecastRequest;
import dev.prescale.models.lstm.LstmForecaster;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Inference cost of the LSTM forecaster end to end ({@code forecast(List)}: features, DJL batches,
 * quantiles), in microseconds per series at batch sizes 1, 64 and 1024, for the network alone and
 * for the shipped combination (the network also run at every backtest origin, plus the statistical
 * candidates), measured side by side in one run. Usage: {@code InferenceBenchmark [modelDir] [seconds per size]}.
 */
public final class InferenceBenchmark {

    private InferenceBenchmark() {}

    public static void main(String[] args) throws IOException {
        String dir = args.length > 0 ? args[0] : "models/artifacts/lstm-quantile/1";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        int[] sizes = {1, 64, 1024};
        try (LstmForecaster loaded = LstmForecaster.load(Paths.get(dir))) {
            List<ForecastRequest> pool = requests(1024, 7);
            System.out.printf(Locale.ROOT, "model %s, history 3 days at 300 s, horizon 12, threads %s, combination %s%n",
                    loaded.version(), System.getProperty("ai.djl.pytorch.num_threads", "default"),
                    loaded.metadata().combination());
            System.out.printf(Locale.ROOT, "%-9s %8s %12s %12s %10s%n", "variant", "batch", "us/series", "ms/batch", "batches");
            LstmForecaster[] variants = {loaded.networkOnly(), loaded};
            String[] names = {"network", "shipped"};
            for (int v = 0; v < variants.length; v++) {
                for (int size : sizes) {
                    run(variants[v], pool.subList(0, size), 1.0); // warm-up
                }
                for (int size : sizes) {
                    double[] r = run(variants[v], pool.subList(0, size), seconds);
                    System.out.printf(Locale.ROOT, "%-9s %8d %12.1f %12.3f %10d%n", names[v], size, r[0] / size * 1000, r[0],
                            (long) r[1]);
                }
            }
        }
    }

    /** Returns {ms per batch, batches} over about {@code seconds}. */
    private static double[] run(LstmForecaster f, List<ForecastRequest> batch, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long n = 0;
        do {
            f.forecast(batch);
            n++;
        } while (System.nanoTime() < deadline);
        double ms = (System.nanoTime() - start) / 1e6 / n;
        return new double[] {ms, n};
    }

    private static List<ForecastRequest> requests(int n, long seed) {
        Random r = new Random(seed);
        List<ForecastRequest> out = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            double level = 10 + 100 * r.nextDouble();
            double phase = r.nextDouble() * 288;
            double[] x = new double[864];
            for (int i = 0; i < x.length; i++) {
                x[i] = level * (1 + 0.4 * Math.sin(2 * Math.PI * (i + phase) / 288.0)) + level * 0.05 * r.nextGaussian();
            }
            out.add(ForecastRequest.of("s" + s, 1_600_000_000_000L, 300_000L, x, 12));
        }
        return out;
    }
}
