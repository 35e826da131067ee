package dev.prescale.job.scaling;

/**
 * The recent relative error of a forecast at the cold-launch lead time, causally, shared by the
 * Flink job and the offline replay: each forecast's p50 for one step ({@code leadSteps} after its
 * first) is kept until that step is observed; then |actual - p50| joins a window of the last
 * {@code window} errors (one day of steps). The error is the window's mean absolute error divided by
 * its mean |actual| (0.1 = 10 %), or NaN until {@code minCount} errors are known.
 *
 * <p>A Flink POJO for keyed state: public fields, a no-argument constructor, ring buffers in arrays.
 * Build one with {@link #forStep}; the no-argument constructor is for Flink's serializer only.
 */
public class LeadTimeErrorTracker {
    /** At most this many errors must be known before the error counts (fewer when a day has fewer steps). */
    public static final int MIN_COUNT = 12;

    /** The step this tracker was built for, in milliseconds. */
    public long stepMillis;
    /** Forecast steps between a forecast's first step and the step it is scored on. */
    public int leadSteps;
    /** How many errors the mean covers. */
    public int window;
    /** How many errors must be known before the error is given. */
    public int minCount;

    /** Forecasts waiting for their step, oldest first, from {@code pendingHead}: due step and p50. */
    public long[] pendingDue;
    public double[] pendingP50;
    public int pendingHead;
    public int pendingSize;

    /** The last {@code errorCount} errors, a ring starting at {@code errorHead}: |actual - p50| and |actual|. */
    public double[] absError;
    public double[] absActual;
    public int errorHead;
    public int errorCount;
    public double sumError;
    public double sumActual;

    public LeadTimeErrorTracker() {}

    /** Steps in a day, at least one: the length of the error window. */
    public static int stepsPerDay(long stepMillis) {
        return (int) Math.max(1, Math.round(86_400_000.0 / stepMillis));
    }

    /**
     * A tracker for a series with step {@code stepMillis}, scoring each forecast's p50 at index
     * {@code leadSteps} (the cold lead: {@link ScalingPolicy#leadSteps}); the window is one day of
     * steps and the minimum count {@code min(12, steps per day)}.
     */
    public static LeadTimeErrorTracker forStep(long stepMillis, int leadSteps) {
        if (stepMillis <= 0 || leadSteps < 0) {
            throw new IllegalArgumentException("step " + stepMillis + " ms, lead " + leadSteps + " steps");
        }
        int day = stepsPerDay(stepMillis);
        LeadTimeErrorTracker t = new LeadTimeErrorTracker();
        t.stepMillis = stepMillis;
        t.leadSteps = leadSteps;
        t.window = day;
        t.minCount = Math.min(MIN_COUNT, day);
        // Forecasts are made once per step and wait at most leadSteps + 1 steps.
        t.pendingDue = new long[leadSteps + 1];
        t.pendingP50 = new double[leadSteps + 1];
        t.absError = new double[day];
        t.absActual = new double[day];
        return t;
    }

    /** Whether this tracker measures a series with this step and lead. */
    public boolean measures(long stepMillis, int leadSteps) {
        return this.stepMillis == stepMillis && this.leadSteps == leadSteps && pendingDue != null;
    }

    /**
     * Remembers the forecast made after step {@code observedStep}: its p50 array starts at step
     * {@code observedStep + 1}, so its value at index {@code leadSteps} is for step
     * {@code observedStep + 1 + leadSteps}. A forecast too short or NaN there is not scored.
     */
    public void expectAfter(long observedStep, double[] p50) {
        if (p50 != null && leadSteps < p50.length) {
            expect(observedStep + 1 + leadSteps, p50[leadSteps]);
        }
    }

    /**
     * Remembers that a forecast says {@code p50} for step {@code dueStep}. Due steps come in
     * increasing order; a forecast for a step already waiting replaces the waiting ones from that
     * step on (the newer forecast knows more).
     */
    public void expect(long dueStep, double p50) {
        if (!Double.isFinite(p50)) {
            return;
        }
        while (pendingSize > 0 && pendingDue[slot(pendingSize - 1)] >= dueStep) {
            pendingSize--;
        }
        if (pendingSize == pendingDue.length) {
            // Cannot happen with one forecast per step; the oldest would be scored first anyway.
            pendingHead = (pendingHead + 1) % pendingDue.length;
            pendingSize--;
        }
        int i = slot(pendingSize);
        pendingDue[i] = dueStep;
        pendingP50[i] = p50;
        pendingSize++;
    }

    /** Step {@code step} was observed as {@code actual}: scores the forecast due then, drops older ones. */
    public void observe(long step, double actual) {
        while (pendingSize > 0 && pendingDue[pendingHead] <= step) {
            long due = pendingDue[pendingHead];
            double p50 = pendingP50[pendingHead];
            pendingHead = (pendingHead + 1) % pendingDue.length;
            pendingSize--;
            if (due == step && Double.isFinite(actual)) {
                addError(Math.abs(actual - p50), Math.abs(actual));
            }
        }
    }

    /** How many errors the mean covers now. */
    public int count() {
        return errorCount;
    }

    /** The recent relative error, or NaN while fewer than {@code minCount} errors are known. */
    public double relativeError() {
        if (absError == null || errorCount < minCount) {
            return Double.NaN;
        }
        if (sumActual <= 1e-12) {
            // All actuals were zero: any error is a full miss.
            return sumError > 1e-12 ? 1.0 : 0.0;
        }
        return Math.max(0, sumError) / sumActual;
    }

    private void addError(double error, double actual) {
        // Running sums, updated in this order, so the job and the offline replay round alike.
        sumError += error;
        sumActual += actual;
        if (errorCount < window) {
            int i = (errorHead + errorCount) % window;
            absError[i] = error;
            absActual[i] = actual;
            errorCount++;
        } else {
            sumError -= absError[errorHead];
            sumActual -= absActual[errorHead];
            absError[errorHead] = error;
            absActual[errorHead] = actual;
            errorHead = (errorHead + 1) % window;
        }
    }

    private int slot(int k) {
        return (pendingHead + k) % pendingDue.length;
    }
}
