package dev.prescale.models.combine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Combines the network's quantile forecast with the statistical candidates of
 * {@link StatisticalCandidates}, per request and causally: each candidate is backtested at earlier
 * origins inside the request's own history (every backtest horizon ends before the origin), its mean
 * absolute error there sets its weight (1/MAE^2 over the few best, the rest left out), and its
 * signed backtest residuals give it an empirical p10/p90 band. The answer is the weighted mean of
 * the candidates' quantiles. The same method runs
 * for every series; nothing is fitted to a trace.
 */
public final class BacktestCombiner {

    /** The network's name among the candidates. */
    public static final String NETWORK = "lstm";

    private final CombinationSpec spec;

    /** The combined forecast on the grid, with the weights used (for notes and tests). */
    public record Combined(double[] p10, double[] p50, double[] p90, Map<String, Double> weights, int backtests) {

        /** A short description such as {@code lstm 0.61, day-median 0.39 over 24 backtests}. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            weights.entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .filter(e -> e.getValue() >= 0.005)
                    .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())));
            return sb + " over " + backtests + " backtests";
        }
    }

    public BacktestCombiner(CombinationSpec spec) {
        this.spec = spec;
    }

    /** The combination settings. */
    public CombinationSpec spec() {
        return spec;
    }

    /**
     * Backtest origins (end indices) for a series of {@code n} values: the latest one's horizon of
     * {@code horizon} steps ends right at the origin, then every {@code stride} steps back, keeping
     * at least a day of history before each; newest first.
     */
    public static int[] backtestEnds(int n, int horizon, int season, int backtests, int stride) {
        List<Integer> ends = new ArrayList<>();
        for (int j = 0; j < backtests; j++) {
            int e = n - horizon - j * stride;
            if (e < season) {
                break;
            }
            ends.add(e);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Combines at end {@code n} of {@code x} for {@code horizon} steps. {@code network} gives the
     * network's {p10, p50, p90} (at least {@code horizon} steps) at an end index, or null where it has
     * none; it is asked for {@code n} and for each of {@code ends}.
     */
    public Combined combine(double[] x, int n, int horizon, int season, int[] ends, IntFunction<double[][]> network) {
        Map<String, double[][]> now = candidates(x, n, horizon, season, network);
        // Score every candidate that exists now and at every backtest end.
        Map<String, List<double[]>> residuals = new LinkedHashMap<>();
        Map<String, double[]> absByStep = new LinkedHashMap<>();
        Map<String, int[]> countByStep = new LinkedHashMap<>();
        List<String> alive = new ArrayList<>(now.keySet());
        List<Map<String, double[][]>> past = new ArrayList<>();
        List<Integer> usedEnds = new ArrayList<>();
        for (int e : ends) {
            Map<String, double[][]> c = candidates(x, e, horizon, season, network);
            if (c.isEmpty()) {
                continue;
            }
            alive.removeIf(k -> !c.containsKey(k));
            past.add(c);
            usedEnds.add(e);
        }
        for (String k : alive) {
            residuals.put(k, new ArrayList<>());
            absByStep.put(k, new double[horizon]);
            countByStep.put(k, new int[horizon]);
        }
        for (int j = 0; j < past.size(); j++) {
            int e = usedEnds.get(j);
            for (String k : alive) {
                double[] p50 = past.get(j).get(k)[1];
                for (int h = 0; h < horizon && e + h < n; h++) {
                    double y = x[e + h];
                    if (!Double.isFinite(y)) {
                        continue;
                    }
                    double r = y - p50[h];
                    residuals.get(k).add(new double[] {h, r});
                    absByStep.get(k)[h] += Math.abs(r);
                    countByStep.get(k)[h]++;
                }
            }
        }
        Map<String, Double> mae = new LinkedHashMap<>();
        for (String k : alive) {
            List<double[]> rs = residuals.get(k);
            if (rs.isEmpty()) {
                continue;
            }
            double s = 0;
            for (double[] r : rs) {
                s += Math.abs(r[1]);
            }
            mae.put(k, s / rs.size());
        }
        if (mae.isEmpty()) {
            // Nothing could be scored (too short a history): the network alone, or the first candidate.
            String k = now.containsKey(NETWORK) ? NETWORK : now.keySet().iterator().next();
            double[][] q = now.get(k);
            return new Combined(Arrays.copyOf(q[0], horizon), Arrays.copyOf(q[1], horizon), Arrays.copyOf(q[2], horizon),
                    Map.of(k, 1.0), 0);
        }
        Map<String, Double> weights = weights(mae);
        double[] p10 = new double[horizon];
        double[] p50 = new double[horizon];
        double[] p90 = new double[horizon];
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            String k = w.getKey();
            double[][] q = now.get(k);
            double[][] band = NETWORK.equals(k) ? q
                    : empiricalBand(q[1], residuals.get(k), absByStep.get(k), countByStep.get(k), mae.get(k), horizon);
            for (int h = 0; h < horizon; h++) {
                p10[h] += w.getValue() * band[0][h];
                p50[h] += w.getValue() * band[1][h];
                p90[h] += w.getValue() * band[2][h];
            }
        }
        for (int h = 0; h < horizon; h++) {
            p10[h] = Math.min(p10[h], p50[h]);
            p90[h] = Math.max(p90[h], p50[h]);
        }
        return new Combined(p10, p50, p90, weights, past.size());
    }

    private Map<String, Double> weights(Map<String, Double> mae) {
        Map<String, Double> w = new LinkedHashMap<>();
        if (CombinationSpec.BEST.equals(spec.weighting())) {
            String best = null;
            for (Map.Entry<String, Double> e : mae.entrySet()) {
                if (best == null || e.getValue() < mae.get(best)) {
                    best = e.getKey();
                }
            }
            w.put(best, 1.0);
            return w;
        }
        double floor = 1e-12;
        for (double m : mae.values()) {
            floor = Math.max(floor, m * 1e-6);
        }
        double total = 0;
        // Trimmed: only the best few take part, so many mediocre candidates cannot outvote a good one.
        List<Double> sorted = new ArrayList<>(mae.values());
        sorted.sort(null);
        double cut = sorted.get(Math.min(spec.top(), sorted.size()) - 1);
        for (Map.Entry<String, Double> e : mae.entrySet()) {
            if (e.getValue() > cut) {
                continue;
            }
            double inv = 1.0 / Math.pow(Math.max(e.getValue(), floor), 2);
            w.put(e.getKey(), inv);
            total += inv;
        }
        for (Map.Entry<String, Double> e : w.entrySet()) {
            e.setValue(e.getValue() / total);
        }
        return w;
    }

    /**
     * A statistical candidate's band: the 10th and 90th percentiles of its signed backtest residuals,
     * scaled per step by how its error at that step compares with its average error.
     */
    static double[][] empiricalBand(double[] p50, List<double[]> residuals, double[] absByStep, int[] countByStep,
            double mae, int horizon) {
        double[] r = new double[residuals.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = residuals.get(i)[1];
        }
        Arrays.sort(r);
        double lo = quantile(r, 0.1);
        double hi = quantile(r, 0.9);
        double[][] q = new double[3][horizon];
        for (int h = 0; h < horizon; h++) {
            double stepMae = countByStep[h] == 0 ? mae : absByStep[h] / countByStep[h];
            double scale = mae > 0 ? (0.5 * stepMae + 0.5 * mae) / mae : 1.0;
            q[1][h] = p50[h];
            q[0][h] = p50[h] + Math.min(0, lo) * scale;
            q[2][h] = p50[h] + Math.max(0, hi) * scale;
        }
        return q;
    }

    private static double quantile(double[] sorted, double p) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double pos = p * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        double f = pos - i;
        return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
    }

    private static Map<String, double[][]> candidates(double[] x, int end, int horizon, int season,
            IntFunction<double[][]> network) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        double[][] q = network.apply(end);
        if (q != null) {
            out.put(NETWORK, q);
        }
        for (Map.Entry<String, double[]> e : StatisticalCandidates.at(x, end, horizon, season).entrySet()) {
            out.put(e.getKey(), new double[][] {e.getValue(), e.getValue(), e.getValue()});
        }
        return out;
    }
}
