package dev.prescale.job.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibrator's realized miss rate converges to its target; its bound is monotone and causal. */
class DemandCalibratorTest {

    static final long STEP = 300_000L;
    static final long T0 = 1_700_000_000_000L;

    static ResourcePolicy policy(double target) {
        ResourcePolicy rp = ResourcePolicy.withCapacity(1.0);
        rp.targetMissRate = target;
        rp.minMissLevel = 0.001;
        return rp;
    }

    /** A noisy daily series with heavy-tailed bursts. */
    static double[] series(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double daily = 100 + 60 * Math.sin(2 * Math.PI * i / 288.0);
            v[i] = Math.max(0, daily * (1 + 0.2 * r.nextGaussian()) + (r.nextDouble() < 0.02 ? 80 * r.nextDouble() : 0));
        }
        return v;
    }

    /** Runs the calibrator alone with desired = ceil(near bound) and returns the realized miss rate after warm-up. */
    static double realizedMissRate(ResourcePolicy rp, double[] v) {
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState s = new CalibratorState();
        int[] desired = new int[v.length];
        int misses = 0;
        int scored = 0;
        for (int t = 0; t < v.length; t++) {
            if (t >= 1000 && t >= 2) {
                scored++;
                if (v[t] > Math.min(desired[t - 1], desired[t - 2])) {
                    misses++;
                }
            }
            DemandCalibrator.Bounds b = cal.update(s, v[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            desired[t] = b.ready() ? (int) Math.ceil(b.near()) : (int) Math.ceil(v[t] * 2);
            cal.record(s, desired[t], T0 + t * STEP);
        }
        return (double) misses / scored;
    }

    @Test
    void realizedMissRateTracksTheTarget() {
        double[] v = series(7, 12_000);
        assertThat(realizedMissRate(policy(0.02), v)).isBetween(0.012, 0.03);
        assertThat(realizedMissRate(policy(0.10), v)).isBetween(0.08, 0.12);
    }

    @Test
    void aLowerTargetGivesAHigherBound() {
        double[] v = series(11, 3000);
        double loose = lastBound(policy(0.10), v);
        double tight = lastBound(policy(0.01), v);
        assertThat(tight).isGreaterThan(loose);
    }

    static double lastBound(ResourcePolicy rp, double[] v) {
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState s = new CalibratorState();
        DemandCalibrator.Bounds b = null;
        for (int t = 0; t < v.length; t++) {
            b = cal.update(s, v[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            // A generous capacity: no misses, so alpha only drifts up and both runs see the same scores.
            cal.record(s, 1_000_000, T0 + t * STEP);
        }
        return b.near();
    }

    @Test
    void boundGrowsWithTheObservedLevelAndFarCoversNear() {
        ResourcePolicy rp = policy(0.02);
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState s = new CalibratorState();
        double[] v = series(3, 600);
        DemandCalibrator.Bounds b = null;
        for (int t = 0; t < v.length; t++) {
            b = cal.update(s, v[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            cal.record(s, (int) Math.ceil(b.ready() ? b.near() : v[t]), T0 + t * STEP);
        }
        assertThat(b.ready()).isTrue();
        assertThat(b.far()).isGreaterThanOrEqualTo(b.near());
        assertThat(b.near()).isGreaterThan(b.point());
        // The same state seeing a higher value next gives a higher bound (the score window is the same).
        CalibratorState copyLow = copy(s);
        CalibratorState copyHigh = copy(s);
        long next = T0 + v.length * STEP;
        double low = cal.update(copyLow, 100, Double.NaN, Double.NaN, next, STEP, 1.0).near();
        double high = cal.update(copyHigh, 200, Double.NaN, Double.NaN, next, STEP, 1.0).near();
        assertThat(high).isGreaterThan(low);
    }

    @Test
    void boundsDependOnlyOnThePast() {
        ResourcePolicy rp = policy(0.02);
        double[] a = series(5, 900);
        double[] b = a.clone();
        int cut = 700;
        for (int i = cut; i < b.length; i++) {
            b[i] = b[i] * 3 + 500;
        }
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState sa = new CalibratorState();
        CalibratorState sb = new CalibratorState();
        boolean differsLater = false;
        for (int t = 0; t < a.length; t++) {
            DemandCalibrator.Bounds x = cal.update(sa, a[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            DemandCalibrator.Bounds y = cal.update(sb, b[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            if (t < cut) {
                assertThat(Double.valueOf(y.near())).as("bound after step %d", t).isEqualTo(Double.valueOf(x.near()));
                assertThat(y.alpha()).isEqualTo(x.alpha());
            } else if (x.near() != y.near()) {
                differsLater = true;
            }
            cal.record(sa, (int) Math.ceil(Double.isFinite(x.near()) ? x.near() : a[t]), T0 + t * STEP);
            cal.record(sb, (int) Math.ceil(Double.isFinite(y.near()) ? y.near() : b[t]), T0 + t * STEP);
        }
        assertThat(differsLater).as("the change must matter after the cut").isTrue();
    }

    @Test
    void aGapInTimeDropsWhatIsPendingButKeepsTheScores() {
        ResourcePolicy rp = policy(0.02);
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState s = new CalibratorState();
        for (int t = 0; t < 100; t++) {
            cal.update(s, 50 + t % 7, Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
            cal.record(s, 60, T0 + t * STEP);
        }
        int scores = s.nearCount;
        cal.update(s, 55, Double.NaN, Double.NaN, T0 + 150 * STEP, STEP, 1.0);
        assertThat(s.nearCount).isEqualTo(scores);
        assertThat(s.recentValues).containsExactly(55);
        assertThat(s.recentDesired).isEmpty();
    }

    @Test
    void everyPointMixAndScoreExponentTracksTheTarget() {
        double[] v = series(7, 12_000);
        for (String mix : new String[] {ResourcePolicy.POINT_MIX_FIXED, ResourcePolicy.POINT_MIX_INVERSE_VARIANCE, ResourcePolicy.POINT_MIX_MEDIAN}) {
            for (double b : new double[] {0.0, 0.5, 1.0}) {
                ResourcePolicy rp = policy(0.02);
                rp.pointMix = mix;
                rp.scoreExponent = b;
                assertThat(realizedMissRate(rp, v)).as("%s, exponent %.1f", mix, b).isBetween(0.012, 0.03);
            }
        }
        ResourcePolicy rp = policy(0.02);
        rp.regimeConditioned = true;
        assertThat(realizedMissRate(rp, v)).as("regime conditioned").isBetween(0.012, 0.03);
    }

    /** Mean |point - peak of the next two steps| over steps 2000.., with a forecaster whose p50 is that peak. */
    static double pointError(ResourcePolicy rp, double[] v) {
        DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
        CalibratorState s = new CalibratorState();
        double sum = 0;
        int n = 0;
        for (int t = 0; t + 2 < v.length; t++) {
            double peak = Math.max(v[t + 1], v[t + 2]);
            DemandCalibrator.Bounds b = cal.update(s, v[t], peak, Double.NaN, T0 + t * STEP, STEP, 1.0);
            cal.record(s, 1_000_000, T0 + t * STEP);
            if (t >= 2000) {
                sum += Math.abs(b.point() - peak);
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void inverseVarianceMixLeansOnTheIngredientThatWasRight() {
        // Noise around a daily cycle; the "forecaster" knows the next two steps' peak exactly (a test
        // oracle: the calibrator only ever sees it as an ingredient, and must learn to trust it).
        double[] v = series(13, 3000);
        ResourcePolicy fixed = policy(0.02);
        fixed.pointMix = ResourcePolicy.POINT_MIX_FIXED;
        ResourcePolicy weighted = policy(0.02);
        weighted.pointMix = ResourcePolicy.POINT_MIX_INVERSE_VARIANCE;
        assertThat(pointError(weighted, v)).isLessThan(0.25 * pointError(fixed, v));
    }

    @Test
    void aSquareRootExponentWidensTheBoundLessAtHighLevels() {
        // The same scores, then a point forecast four times higher: a ratio bound widens fourfold, a square-root one about twofold.
        double[] widening = new double[2];
        double[] exponents = {1.0, 0.5};
        for (int i = 0; i < 2; i++) {
            ResourcePolicy rp = policy(0.02);
            rp.pointMix = ResourcePolicy.POINT_MIX_FIXED;
            rp.pointWeightLevel = 0;
            rp.scoreExponent = exponents[i];
            DemandCalibrator cal = new DemandCalibrator(rp, 2, 3, 2);
            CalibratorState s = new CalibratorState();
            double[] v = series(17, 2000);
            for (int t = 0; t < v.length; t++) {
                cal.update(s, v[t], Double.NaN, Double.NaN, T0 + t * STEP, STEP, 1.0);
                cal.record(s, 1_000_000, T0 + t * STEP);
            }
            long next = T0 + v.length * STEP;
            DemandCalibrator.Bounds low = cal.update(copy(s), 100, Double.NaN, Double.NaN, next, STEP, 1.0);
            DemandCalibrator.Bounds high = cal.update(copy(s), 400, Double.NaN, Double.NaN, next, STEP, 1.0);
            widening[i] = (high.near() - high.point()) / (low.near() - low.point());
        }
        assertThat(widening[0]).isBetween(3.5, 4.5);
        assertThat(widening[1]).isBetween(1.6, 2.4);
    }

    static CalibratorState copy(CalibratorState s) {
        CalibratorState c = new CalibratorState();
        c.lastMillis = s.lastMillis;
        c.alpha = s.alpha;
        c.level = s.level;
        c.scale = s.scale;
        c.volatility = s.volatility;
        c.lastForecastNext = s.lastForecastNext;
        c.forecastBias = s.forecastBias;
        c.recentValues = s.recentValues.clone();
        c.recentPoints = s.recentPoints.clone();
        c.recentVolatility = s.recentVolatility.clone();
        c.recentDesired = s.recentDesired.clone();
        c.nearScores = s.nearScores.clone();
        c.nearCount = s.nearCount;
        c.nearNext = s.nearNext;
        c.farScores = s.farScores.clone();
        c.farCount = s.farCount;
        c.farNext = s.farNext;
        c.recentIngredients = s.recentIngredients.clone();
        c.ingredientErrorMean = s.ingredientErrorMean.clone();
        c.ingredientErrorSquare = s.ingredientErrorSquare.clone();
        c.recentRegimes = s.recentRegimes.clone();
        c.nearTags = s.nearTags.clone();
        c.farTags = s.farTags.clone();
        return c;
    }
}
