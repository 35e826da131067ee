package dev.prescale.job.eval;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The recent relative error of a forecast, causally: each forecast's p50 for one chosen step is
 * kept until that step is observed; then |actual - p50| joins a window of the last {@code window}
 * errors. The error is the window's mean absolute error divided by its mean |actual| (0.1 = 10 %),
 * or NaN until {@code minCount} errors are known.
 */
public final class RecentErrorTracker {
    private final int window;
    private final int minCount;
    private final Deque<double[]> pending = new ArrayDeque<>(); // {dueStep, p50}
    private final Deque<double[]> errors = new ArrayDeque<>(); // {absError, |actual|}
    private double sumErr;
    private double sumAbs;

    public RecentErrorTracker(int window, int minCount) {
        this.window = window;
        this.minCount = minCount;
    }

    /** Remembers that the forecast made now says {@code p50} for step {@code dueStep}. */
    public void expect(long dueStep, double p50) {
        if (Double.isFinite(p50)) {
            pending.addLast(new double[] {dueStep, p50});
        }
    }

    /** Step {@code step} was observed as {@code actual}: scores the forecasts that were due then. */
    public void observe(long step, double actual) {
        while (!pending.isEmpty() && pending.peekFirst()[0] <= step) {
            double[] p = pending.pollFirst();
            if (p[0] == step && Double.isFinite(actual)) {
                double[] e = {Math.abs(actual - p[1]), Math.abs(actual)};
                errors.addLast(e);
                sumErr += e[0];
                sumAbs += e[1];
                if (errors.size() > window) {
                    double[] old = errors.pollFirst();
                    sumErr -= old[0];
                    sumAbs -= old[1];
                }
            }
        }
    }

    /** The recent relative error, or NaN while too few are known. */
    public double relativeError() {
        if (errors.size() < minCount) {
            return Double.NaN;
        }
        if (sumAbs <= 1e-12) {
            // All actuals were zero: any error is a full miss.
            return sumErr > 1e-12 ? 1.0 : 0.0;
        }
        return Math.max(0, sumErr) / sumAbs;
    }
}
