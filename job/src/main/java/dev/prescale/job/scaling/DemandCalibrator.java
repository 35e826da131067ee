package dev.prescale.job.scaling;

import java.util.Arrays;

/**
 * Calibrates an upper bound of one resource's demand online, per series, by adaptive conformal
 * inference, so that the capacity built on it is short in about {@code targetMissRate} of the steps
 * whatever the series looks like.
 *
 * <p>After each step it (1) scores the past: a point forecast {@code f} made {@code k} steps ago
 * against the largest value of the {@code k} steps it had to cover, as the ratio
 * {@code (max + eps) / (f + eps)} ({@code eps} a small fraction of the series' slow mean level, so
 * that the ratio stays finite near zero), or with {@code scoreExponent} b below 1 as the excess
 * {@code (max - f) / (f + eps)^b} (in unit-free form), kept in a window for the near horizon (the steps the
 * desired capacity must serve) and one for the far horizon (the steps the warm pool must serve);
 * (2) checks whether the observed value exceeded the capacity the recent decisions left in place,
 * and moves the miss level {@code alpha += gamma (target - miss)} (adaptive conformal inference:
 * more misses than the target raise the quantile, fewer lower it); (3) makes the next point
 * forecast, a mix of the last value, an exponentially weighted level and the forecaster's
 * p50 corrected by its recent one-step bias (fixed weights, or weights by the inverse of each one's recent error variance), and bounds it by the {@code 1 - alpha} empirical quantile of the score windows. Everything is
 * causal: a score or a miss is counted only once its values are observed. All memory lives in a
 * {@link CalibratorState}.
 */
public final class DemandCalibrator {

    /** The calibrated outlook after one update. */
    public record Bounds(double point, double near, double far, double alpha, int scores, boolean ready) {}

    private final ResourcePolicy rp;
    private final int nearSteps;
    private final int farSteps;
    private final int missSteps;

    /**
     * @param rp the resource's policy (target miss rate, gamma, window, point forecast weights)
     * @param nearSteps steps the desired capacity covers (from the step a decision takes effect)
     * @param farSteps steps the warm pool covers (at least {@code nearSteps})
     * @param missSteps how many of the latest decisions bound the capacity in service at a step
     */
    public DemandCalibrator(ResourcePolicy rp, int nearSteps, int farSteps, int missSteps) {
        this.rp = rp;
        this.nearSteps = Math.max(1, nearSteps);
        this.farSteps = Math.max(this.nearSteps, farSteps);
        this.missSteps = Math.max(1, missSteps);
    }

    /**
     * Takes the value observed for the step ending at {@code now} and returns the calibrated bounds
     * for the steps after it. {@code forecastNear} is the forecaster's p50 over the near horizon
     * (NaN when there is none); {@code capacityPerInstance} turns the recent desired capacities
     * into demand for the miss check.
     */
    public Bounds update(CalibratorState s, double observed, double forecastNear, double forecastNext, long now, long stepMillis,
            double capacityPerInstance) {
        if (Double.isNaN(s.alpha)) {
            s.alpha = rp.targetMissRate;
        }
        if (s.lastMillis != Long.MIN_VALUE && now - s.lastMillis != stepMillis) {
            // A gap (or a repeated time): what was pending no longer lines up with the steps.
            s.recentValues = new double[0];
            s.recentPoints = new double[0];
            s.recentVolatility = new double[0];
            s.recentDesired = new int[0];
            s.recentIngredients = new double[0];
            s.recentRegimes = new int[0];
            s.lastForecastNext = Double.NaN;
        }
        if (!Double.isFinite(observed) || observed < 0) {
            s.recentValues = new double[0];
            s.recentPoints = new double[0];
            s.recentVolatility = new double[0];
            s.recentIngredients = new double[0];
            s.recentRegimes = new int[0];
            return bounds(s, Double.NaN, -1);
        }
        if (s.recentValues.length > 0) {
            double change = Math.abs(observed - s.recentValues[s.recentValues.length - 1]);
            s.volatility = Double.isNaN(s.volatility) ? change : rp.volatilitySmoothing * change + (1 - rp.volatilitySmoothing) * s.volatility;
        }
        s.recentValues = push(s.recentValues, observed, farSteps + 1);
        double w = rp.levelSmoothing;
        s.level = Double.isNaN(s.level) ? observed : w * observed + (1 - w) * s.level;
        s.scale = Double.isNaN(s.scale) ? observed : 0.01 * observed + 0.99 * s.scale;
        if (Double.isFinite(s.lastForecastNext)) {
            // The forecaster's recent bias corrects its p50: a cheap, causal level adjustment for any model.
            s.forecastBias = rp.biasSmoothing * (observed - s.lastForecastNext) + (1 - rp.biasSmoothing) * s.forecastBias;
        }
        s.lastForecastNext = forecastNext;

        if (s.recentDesired.length >= missSteps) {
            int least = Integer.MAX_VALUE;
            for (int i = s.recentDesired.length - missSteps; i < s.recentDesired.length; i++) {
                least = Math.min(least, s.recentDesired[i]);
            }
            boolean miss = observed > least * capacityPerInstance * (1 + 1e-12);
            s.scoredSteps++;
            if (miss) {
                s.missedSteps++;
            }
            s.alpha += rp.calibrationGamma * (rp.targetMissRate - (miss ? 1.0 : 0.0));
            s.alpha = Math.max(rp.minMissLevel, Math.min(rp.maxMissLevel, s.alpha));
        }

        double eps = eps(s);
        int window = Math.max(1, rp.calibrationWindowSteps);
        if (s.nearScores.length != window || s.nearTags.length != window) {
            s.nearScores = new double[window];
            s.farScores = new double[window];
            s.nearTags = new int[window];
            s.farTags = new int[window];
            s.nearCount = s.nearNext = s.farCount = s.farNext = 0;
        }
        Double near = score(s, nearSteps, eps);
        if (near != null) {
            s.nearScores[s.nearNext] = near;
            s.nearTags[s.nearNext] = regimeAgo(s, nearSteps);
            s.nearNext = (s.nearNext + 1) % window;
            s.nearCount = Math.min(window, s.nearCount + 1);
        }
        Double far = score(s, farSteps, eps);
        if (far != null) {
            s.farScores[s.farNext] = far;
            s.farTags[s.farNext] = regimeAgo(s, farSteps);
            s.farNext = (s.farNext + 1) % window;
            s.farCount = Math.min(window, s.farCount + 1);
        }

        scoreIngredients(s, eps);
        double[] ingredients = {observed, s.level, Double.isFinite(forecastNear) ? forecastNear + s.forecastBias : forecastNear};
        double point = mix(s, ingredients);
        s.recentIngredients = pushAll(s.recentIngredients, ingredients, INGREDIENTS * nearSteps);
        s.recentPoints = push(s.recentPoints, point, farSteps);
        s.recentVolatility = push(s.recentVolatility, spread(s), farSteps);
        int regime = observed > s.level ? 1 : 0;
        s.recentRegimes = pushInt(s.recentRegimes, regime, farSteps);
        return bounds(s, point, regime);
    }

    /** The regime of the point forecast made {@code k} steps ago (0 when unknown). */
    private static int regimeAgo(CalibratorState s, int k) {
        return s.recentRegimes.length >= k ? s.recentRegimes[s.recentRegimes.length - k] : 0;
    }

    /**
     * The quantile of a score window at {@code level}, over the scores of {@code regime} when the
     * policy conditions on it and that regime has at least {@code minCalibrationScores / 2} of them.
     */
    private double windowQuantile(double[] ring, int[] tags, int n, double level, int regime) {
        if (rp.regimeConditioned && regime >= 0 && tags.length >= n) {
            double[] same = new double[n];
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (tags[i] == regime) {
                    same[m++] = ring[i];
                }
            }
            if (m >= Math.max(1, rp.minCalibrationScores / 2)) {
                return quantile(same, m, level);
            }
        }
        return quantile(ring, n, level);
    }

    /** Remembers the desired capacity decided at {@code now}, for the next miss checks. */
    public void record(CalibratorState s, int desired, long now) {
        s.recentDesired = pushInt(s.recentDesired, desired, missSteps);
        s.lastMillis = now;
    }

    /** How many ingredients a point forecast has: last value, level, forecaster p50. */
    static final int INGREDIENTS = 3;

    /** The point forecast from its ingredients as the policy's {@code pointMix} says. */
    double mix(CalibratorState s, double[] c) {
        if (ResourcePolicy.POINT_MIX_MEDIAN.equals(rp.pointMix)) {
            double[] finite = Arrays.stream(c).filter(x -> Double.isFinite(x) && x >= 0).sorted().toArray();
            if (finite.length == 0) {
                return c[0];
            }
            int m = finite.length / 2;
            return finite.length % 2 == 1 ? finite[m] : (finite[m - 1] + finite[m]) / 2;
        }
        if (ResourcePolicy.POINT_MIX_INVERSE_VARIANCE.equals(rp.pointMix) && s.ingredientErrorMean.length == INGREDIENTS) {
            double[] base = {rp.pointWeightLast, rp.pointWeightLevel, rp.pointWeightForecast};
            double sum = 0;
            double weights = 0;
            for (int k = 0; k < INGREDIENTS; k++) {
                if (!Double.isFinite(c[k]) || c[k] < 0 || base[k] <= 0) {
                    continue;
                }
                double var = s.ingredientErrorSquare[k] - s.ingredientErrorMean[k] * s.ingredientErrorMean[k];
                // A floor keeps one lucky stretch from giving an ingredient all the weight.
                double w = base[k] / Math.max(1e-4, var);
                sum += w * c[k];
                weights += w;
            }
            if (weights > 0) {
                return Math.max(0, sum / weights);
            }
        }
        return point(c[0], c[1], c[2]);
    }

    /**
     * Once the near steps after the ingredients of an earlier point forecast are observed, folds
     * each ingredient's log error against their peak into its running mean and mean square.
     */
    private void scoreIngredients(CalibratorState s, double eps) {
        int k = nearSteps;
        if (s.recentIngredients.length < INGREDIENTS * k || s.recentValues.length < k) {
            return;
        }
        double max = 0;
        for (int i = s.recentValues.length - k; i < s.recentValues.length; i++) {
            max = Math.max(max, s.recentValues[i]);
        }
        int at = s.recentIngredients.length - INGREDIENTS * k;
        boolean first = s.ingredientErrorMean.length != INGREDIENTS;
        if (first) {
            s.ingredientErrorMean = new double[INGREDIENTS];
            s.ingredientErrorSquare = new double[INGREDIENTS];
        }
        double g = rp.pointErrorSmoothing;
        for (int j = 0; j < INGREDIENTS; j++) {
            double c = s.recentIngredients[at + j];
            if (!Double.isFinite(c) || c < 0) {
                continue;
            }
            double e = Math.log((max + eps) / (c + eps));
            if (first) {
                s.ingredientErrorMean[j] = e;
                s.ingredientErrorSquare[j] = e * e + 1e-2;
            } else {
                s.ingredientErrorMean[j] += g * (e - s.ingredientErrorMean[j]);
                s.ingredientErrorSquare[j] += g * (e * e - s.ingredientErrorSquare[j]);
            }
        }
    }

    /** The point forecast: the policy's weighted mix of last value, level and forecaster p50. */
    double point(double observed, double level, double forecastNear) {
        double sum = rp.pointWeightLast * observed + rp.pointWeightLevel * level;
        double weights = rp.pointWeightLast + rp.pointWeightLevel;
        if (Double.isFinite(forecastNear) && forecastNear >= 0) {
            sum += rp.pointWeightForecast * forecastNear;
            weights += rp.pointWeightForecast;
        }
        return weights > 0 ? Math.max(0, sum / weights) : observed;
    }

    private Bounds bounds(CalibratorState s, double point, int regime) {
        double level = 1 - s.alpha;
        double eps = eps(s);
        double near = Double.NaN;
        double far = Double.NaN;
        if (Double.isFinite(point) && s.nearCount > 0) {
            near = Math.max(0, bound(s, windowQuantile(s.nearScores, s.nearTags, s.nearCount, level, regime), point, spread(s), eps));
        }
        if (Double.isFinite(point) && s.farCount > 0) {
            far = Math.max(near, bound(s, windowQuantile(s.farScores, s.farTags, s.farCount, level, regime), point, spread(s), eps));
        }
        boolean ready = s.nearCount >= rp.minCalibrationScores && s.farCount >= rp.minCalibrationScores && Double.isFinite(near);
        return new Bounds(point, near, far, s.alpha, s.nearCount, ready);
    }

    /** The score of the point forecast made {@code k} steps ago, once its k steps are all observed. */
    private Double score(CalibratorState s, int k, double eps) {
        if (s.recentPoints.length < k || s.recentValues.length < k || s.recentVolatility.length < k) {
            return null;
        }
        double f = s.recentPoints[s.recentPoints.length - k];
        double max = 0;
        for (int i = s.recentValues.length - k; i < s.recentValues.length; i++) {
            max = Math.max(max, s.recentValues[i]);
        }
        if (rp.volatilityScaled) {
            double sigma = s.recentVolatility[s.recentVolatility.length - k];
            return Math.min(rp.maxScaledScore, (max - f) / sigma);
        }
        if (rp.scoreExponent == 1.0) {
            return Math.min(rp.maxScoreRatio, (max + eps) / (f + eps));
        }
        // The same cap on the ratio, then the excess in units of the spread (f + eps)^b.
        double peak = Math.min(max + eps, rp.maxScoreRatio * (f + eps)) - eps;
        return (peak - f) / spreadAt(s, f, eps);
    }

    /** The spread a score is measured in at point forecast f: (f + eps)^b x (scale + eps)^(1 - b). */
    private double spreadAt(CalibratorState s, double f, double eps) {
        double scale = Double.isFinite(s.scale) ? Math.abs(s.scale) : 0;
        return Math.pow(Math.max(0, f) + eps, rp.scoreExponent) * Math.pow(scale + eps, 1 - rp.scoreExponent);
    }

    /** The bound a score quantile gives around a point forecast: f + q sigma, or q (f + eps) - eps. */
    private double bound(CalibratorState s, double q, double point, double sigma, double eps) {
        if (rp.volatilityScaled) {
            return point + q * sigma;
        }
        return rp.scoreExponent == 1.0 ? q * (point + eps) - eps : point + q * spreadAt(s, point, eps);
    }

    /** The scale of a volatility-scaled score: the local volatility, floored by a fraction of the mean level. */
    private double spread(CalibratorState s) {
        double v = Double.isFinite(s.volatility) ? s.volatility : 0;
        return Math.max(v, eps(s));
    }

    private double eps(CalibratorState s) {
        double scale = Double.isFinite(s.scale) ? Math.abs(s.scale) : 0;
        return Math.max(1e-9, rp.calibrationFloor * scale);
    }

    /** The conformal quantile of the first {@code n} entries at {@code level}: rank ceil((n + 1) level). */
    static double quantile(double[] ring, int n, double level) {
        double[] a = Arrays.copyOf(ring, n);
        Arrays.sort(a);
        int rank = (int) Math.ceil((n + 1) * level - 1e-9);
        return a[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    private static double[] push(double[] a, double v, int keep) {
        double[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b.length > keep ? Arrays.copyOfRange(b, b.length - keep, b.length) : b;
    }

    private static double[] pushAll(double[] a, double[] v, int keep) {
        double[] b = Arrays.copyOf(a, a.length + v.length);
        System.arraycopy(v, 0, b, a.length, v.length);
        return b.length > keep ? Arrays.copyOfRange(b, b.length - keep, b.length) : b;
    }

    private static int[] pushInt(int[] a, int v, int keep) {
        int[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b.length > keep ? Arrays.copyOfRange(b, b.length - keep, b.length) : b;
    }
}
