package dev.prescale.models;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Guards a primary forecaster (the LSTM) with a baseline (seasonal naive): per series it keeps the
 * forecasts both made, scores them once later requests' history reveals the actuals (pinball over
 * p10/p50/p90, exponentially weighted), and answers with a mix weighted by the inverse recent errors;
 * when one is clearly worse (error ratio above {@code switchRatio}) it answers with the better one
 * alone. The note says which. Learns only from history, so it stays causal.
 */
public final class GuardedForecaster implements Forecaster {

    private static final int MIN_SCORED = 12;
    private static final int MAX_PENDING = 48;

    private final Forecaster primary;
    private final Forecaster baseline;
    private final double alpha;
    private final double switchRatio;
    private final Map<String, SeriesErrors> errors = new ConcurrentHashMap<>();

    /** Recent errors of both forecasters for one series, and their forecasts not yet scored. */
    private static final class SeriesErrors {
        double primaryError;
        double baselineError;
        int scored;
        long scoredUpTo = Long.MIN_VALUE;
        final Deque<Forecast[]> pending = new ArrayDeque<>();
    }

    /** Mixing with an error half-life of about 50 points, switching when one is 1.5 times worse. */
    public GuardedForecaster(Forecaster primary, Forecaster baseline) {
        this(primary, baseline, 0.02, 1.5);
    }

    public GuardedForecaster(Forecaster primary, Forecaster baseline, double alpha, double switchRatio) {
        this.primary = primary;
        this.baseline = baseline;
        this.alpha = alpha;
        this.switchRatio = switchRatio;
    }

    @Override
    public String version() {
        return "guarded(" + primary.version() + "|" + baseline.version() + ")";
    }

    @Override
    public List<Forecast> forecast(List<ForecastRequest> requests) {
        List<Forecast> a = primary.forecast(requests);
        List<Forecast> b = baseline.forecast(requests);
        List<Forecast> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            ForecastRequest r = requests.get(i);
            SeriesErrors e = errors.computeIfAbsent(r.seriesId(), k -> new SeriesErrors());
            synchronized (e) {
                scoreMatured(e, r);
                out.add(combine(e, a.get(i), b.get(i)));
                e.pending.addLast(new Forecast[] {a.get(i), b.get(i)});
                while (e.pending.size() > MAX_PENDING) {
                    e.pending.removeFirst();
                }
            }
        }
        return out;
    }

    /** The recent (primary, baseline) errors of a series, NaN before any scoring; for tests and logs. */
    public double[] recentErrors(String seriesId) {
        SeriesErrors e = errors.get(seriesId);
        if (e == null || e.scored == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        synchronized (e) {
            return new double[] {e.primaryError, e.baselineError};
        }
    }

    private void scoreMatured(SeriesErrors e, ForecastRequest r) {
        double[] x = r.history();
        long historyStart = r.originMillis() - (long) x.length * r.stepMillis();
        for (Forecast[] pair : e.pending) {
            Forecast fa = pair[0];
            Forecast fb = pair[1];
            if (fa.stepMillis() != r.stepMillis()) {
                continue;
            }
            for (int h = 0; h < fa.horizon(); h++) {
                long t = fa.originMillis() + h * fa.stepMillis();
                if (t <= e.scoredUpTo || t >= r.originMillis() || t < historyStart) {
                    continue;
                }
                int idx = (int) ((t - historyStart) / r.stepMillis());
                double y = x[idx];
                if (!Double.isFinite(y)) {
                    continue;
                }
                // Scale-free error: pinball relative to the level, so series of any size compare.
                double norm = Math.max(1e-9, Math.abs(y) + Math.abs(fb.p50()[h]));
                double ea = pinball3(y, fa, h) / norm;
                double eb = pinball3(y, fb, h) / norm;
                if (e.scored == 0) {
                    e.primaryError = ea;
                    e.baselineError = eb;
                } else {
                    e.primaryError += alpha * (ea - e.primaryError);
                    e.baselineError += alpha * (eb - e.baselineError);
                }
                e.scored++;
            }
        }
        // Forecast steps before the new origin are now all scored (or unscorable); remember that.
        e.scoredUpTo = Math.max(e.scoredUpTo, r.originMillis() - r.stepMillis());
        e.pending.removeIf(p -> p[0].originMillis() + (p[0].horizon() - 1) * p[0].stepMillis() <= e.scoredUpTo);
    }

    private Forecast combine(SeriesErrors e, Forecast a, Forecast b) {
        if (e.scored < MIN_SCORED) {
            return withNote(a, "guarded: " + a.model() + " (too few scored points for a choice)");
        }
        double ea = e.primaryError;
        double eb = e.baselineError;
        String errs = String.format(Locale.ROOT, " (recent error %.4f vs %.4f)", ea, eb);
        if (ea * switchRatio < eb) {
            return withNote(a, "guarded: " + a.model() + errs);
        }
        if (eb * switchRatio < ea) {
            return withNote(b, "guarded: " + b.model() + errs);
        }
        double wa = (1 / Math.max(ea, 1e-12)) / (1 / Math.max(ea, 1e-12) + 1 / Math.max(eb, 1e-12));
        int h = a.horizon();
        double[] p10 = new double[h];
        double[] p50 = new double[h];
        double[] p90 = new double[h];
        for (int i = 0; i < h; i++) {
            p10[i] = wa * a.p10()[i] + (1 - wa) * b.p10()[i];
            p50[i] = wa * a.p50()[i] + (1 - wa) * b.p50()[i];
            p90[i] = wa * a.p90()[i] + (1 - wa) * b.p90()[i];
        }
        String note = String.format(Locale.ROOT, "guarded: mix %.2f %s + %.2f %s", wa, a.model(), 1 - wa, b.model()) + errs;
        return new Forecast(a.seriesId(), a.originMillis(), a.stepMillis(), p10, p50, p90, version(), note);
    }

    private static double pinball3(double y, Forecast f, int h) {
        return pin(y, f.p10()[h], 0.1) + pin(y, f.p50()[h], 0.5) + pin(y, f.p90()[h], 0.9);
    }

    private static double pin(double y, double q, double tau) {
        double d = y - q;
        return Math.max(tau * d, (tau - 1) * d);
    }

    private static Forecast withNote(Forecast f, String note) {
        String n = f.note().isEmpty() ? note : note + "; " + f.note();
        return new Forecast(f.seriesId(), f.originMillis(), f.stepMillis(), f.p10(), f.p50(), f.p90(), f.model(), n);
    }

    @Override
    public void close() {
        primary.close();
        baseline.close();
    }
}
