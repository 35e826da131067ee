package dev.prescale.models.lstm;

/**
 * Turns a regular series ending right before an origin into the model's features, the same way for
 * training and for inference (plain Java, no tensors).
 *
 * <p>Every window is normalized by its own last day: divided by its level (the mean |value|), or, with
 * {@link Normalization#LEVEL_AND_SPREAD}, centred on the day's mean and divided by its standard
 * deviation (at least 2% of the level), so that a flat series' small daily swings are as visible
 * as a busy one's; the static vector then also carries log(spread / level). Per context step:
 * scaled value, a missing flag, the scaled value one day earlier, hour of day and day of week (sin,
 * cos) and the log step. Static: for every forecast step the scaled value one day before it (the
 * seasonal-naive forecast), the last day as 24 hourly means, the origin's calendar and the log step.
 */
public final class WindowFeaturizer {

    /** Names of the per-step features, in order (recorded in model.json). */
    public static final String[] SEQ_FEATURE_NAMES = {
        "value/level", "missing", "value_1d_before/level", "sin_hour", "cos_hour", "sin_dow", "cos_dow", "log_step"
    };

    /** Number of per-step features. */
    public static final int SEQ_FEATURES = SEQ_FEATURE_NAMES.length;

    static final int DAY_HOURS = 24;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 86_400_000L;
    // Spikes of 50x the level exist (tweet bursts); clipping keeps one window from dominating a batch.
    private static final float CLIP = 30f;

    /** How a window's values are normalized before the network sees them. */
    public enum Normalization {
        /** value / level, level = mean |value| over the last day. */
        LEVEL,
        /** (value - mean) / max(std, 2% of level) over the last day. */
        LEVEL_AND_SPREAD;

        /** The name recorded in model.json. */
        public String key() {
            return this == LEVEL ? "level" : "level-spread";
        }

        /** The normalization of a recorded name; older artifacts without one used {@link #LEVEL}. */
        public static Normalization of(Object key) {
            return "level-spread".equals(key) ? LEVEL_AND_SPREAD : LEVEL;
        }
    }

    // A spread below this share of the level is treated as this share: a constant day must not blow up.
    private static final double MIN_SPREAD_SHARE = 0.02;

    private final int context;
    private final int horizon;
    private final Normalization normalization;

    public WindowFeaturizer(int context, int horizon) {
        this(context, horizon, Normalization.LEVEL);
    }

    public WindowFeaturizer(int context, int horizon, Normalization normalization) {
        if (context <= 0 || horizon <= 0) {
            throw new IllegalArgumentException("context and horizon must be positive");
        }
        this.context = context;
        this.horizon = horizon;
        this.normalization = normalization;
    }

    public Normalization normalization() {
        return normalization;
    }

    public int context() {
        return context;
    }

    public int horizon() {
        return horizon;
    }

    /** Length of the static vector. */
    public int staticSize() {
        return horizon + DAY_HOURS + 5 + (normalization == Normalization.LEVEL ? 0 : 1);
    }

    /** Steps in a day at this step (at least 1). */
    public static int season(long stepMillis) {
        return (int) Math.max(1, Math.round(DAY / (double) stepMillis));
    }

    /**
     * The level a window is scaled by: mean |x| over the finite values among the last day before
     * {@code end}; NaN when there are none; 1 when they are all zero.
     */
    public static double level(double[] x, int end, int season) {
        double sum = 0;
        int n = 0;
        for (int t = Math.max(0, end - season); t < end; t++) {
            if (Double.isFinite(x[t])) {
                sum += Math.abs(x[t]);
                n++;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        double mean = sum / n;
        return mean > 1e-9 ? mean : 1.0;
    }

    /**
     * Features of the window that ends right before index {@code end} of {@code x}; the origin
     * (start of step {@code end}) is at {@code originMillis}. With {@code withTarget} the next
     * {@code horizon} values become the scaled target (the caller checks they exist).
     */
    public ModelWindow build(double[] x, int end, long stepMillis, long originMillis, boolean withTarget) {
        int season = season(stepMillis);
        double level = level(x, end, season);
        if (!Double.isFinite(level)) {
            throw new IllegalArgumentException("no finite value in the last day before the origin");
        }
        double center = 0;
        double scale = level;
        if (normalization == Normalization.LEVEL_AND_SPREAD) {
            double[] ms = meanAndStd(x, end, season);
            center = ms[0];
            scale = Math.max(ms[1], MIN_SPREAD_SHARE * level);
        }
        double lastValue = lastFinite(x, end);
        float logStep = (float) (Math.log(stepMillis / (double) HOUR) / 3.0);
        float[] seq = new float[context * SEQ_FEATURES];
        for (int i = 0; i < context; i++) {
            int t = end - context + i;
            int o = i * SEQ_FEATURES;
            long time = originMillis - (long) (end - t) * stepMillis;
            boolean present = t >= 0 && Double.isFinite(x[t]);
            double v = present ? x[t] : lastValue;
            double dayBefore = t - season >= 0 && Double.isFinite(x[t - season]) ? x[t - season] : v;
            seq[o] = clip((v - center) / scale);
            seq[o + 1] = present ? 0f : 1f;
            seq[o + 2] = clip((dayBefore - center) / scale);
            putCalendar(seq, o + 3, time);
            seq[o + 7] = logStep;
        }
        float[] stat = new float[staticSize()];
        for (int h = 0; h < horizon; h++) {
            int back = season * (1 + h / season);
            int idx = end + h - back;
            double v = idx >= 0 && idx < end && Double.isFinite(x[idx]) ? x[idx] : lastValue;
            stat[h] = clip((v - center) / scale);
        }
        double[] hourly = lastDayHourlyMeans(x, end, stepMillis, lastValue);
        for (int j = 0; j < DAY_HOURS; j++) {
            stat[horizon + j] = clip((hourly[j] - center) / scale);
        }
        putCalendar(stat, horizon + DAY_HOURS, originMillis);
        stat[horizon + DAY_HOURS + 4] = logStep;
        if (normalization == Normalization.LEVEL_AND_SPREAD) {
            stat[horizon + DAY_HOURS + 5] = clip(Math.log(scale / level));
        }
        float[] target = null;
        if (withTarget) {
            target = new float[horizon];
            for (int h = 0; h < horizon; h++) {
                target[h] = (float) ((x[end + h] - center) / scale);
            }
        }
        return new ModelWindow(seq, stat, center, scale, target);
    }

    /** Means of the last 24 hours before the origin, hour by hour; an empty hour repeats its neighbour. */
    static double[] lastDayHourlyMeans(double[] x, int end, long stepMillis, double fallback) {
        double[] sum = new double[DAY_HOURS];
        int[] count = new int[DAY_HOURS];
        int season = season(stepMillis);
        for (int t = Math.max(0, end - season); t < end; t++) {
            if (!Double.isFinite(x[t])) {
                continue;
            }
            long ago = (long) (end - t) * stepMillis; // start of step t, measured back from the origin
            int bucket = DAY_HOURS - 1 - (int) ((ago - 1) / HOUR);
            if (bucket >= 0 && bucket < DAY_HOURS) {
                sum[bucket] += x[t];
                count[bucket]++;
            }
        }
        double[] out = new double[DAY_HOURS];
        double prev = Double.NaN;
        for (int j = 0; j < DAY_HOURS; j++) {
            if (count[j] > 0) {
                out[j] = sum[j] / count[j];
                prev = out[j];
            } else {
                out[j] = prev;
            }
        }
        // Leading empty hours take the first known hour, or the last value when the day is empty.
        double firstKnown = fallback;
        for (int j = 0; j < DAY_HOURS; j++) {
            if (Double.isFinite(out[j])) {
                firstKnown = out[j];
                break;
            }
        }
        for (int j = 0; j < DAY_HOURS && !Double.isFinite(out[j]); j++) {
            out[j] = firstKnown;
        }
        return out;
    }

    private static void putCalendar(float[] into, int at, long timeMillis) {
        double hour = Math.floorMod(timeMillis, DAY) / (double) DAY;
        // 1970-01-01 was a Thursday: +3 makes Monday 0.
        double dow = Math.floorMod(Math.floorDiv(timeMillis, DAY) + 3, 7) / 7.0;
        into[at] = (float) Math.sin(2 * Math.PI * hour);
        into[at + 1] = (float) Math.cos(2 * Math.PI * hour);
        into[at + 2] = (float) Math.sin(2 * Math.PI * dow);
        into[at + 3] = (float) Math.cos(2 * Math.PI * dow);
    }

    /** Mean and standard deviation of the finite values among the last day before {@code end}. */
    static double[] meanAndStd(double[] x, int end, int season) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int t = Math.max(0, end - season); t < end; t++) {
            if (Double.isFinite(x[t])) {
                sum += x[t];
                sq += x[t] * x[t];
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        return new double[] {mean, n < 2 ? 0 : Math.sqrt(Math.max(0, sq / n - mean * mean))};
    }

    private static double lastFinite(double[] x, int end) {
        for (int t = end - 1; t >= 0; t--) {
            if (Double.isFinite(x[t])) {
                return x[t];
            }
        }
        return 0;
    }

    private static float clip(double v) {
        return (float) Math.max(-CLIP, Math.min(CLIP, v));
    }
}
