package dev.prescale.job.scaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.prescale.job.config.ConfigException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** How one resource type of a target is turned into instances and how far its forecast is trusted. */
public class ResourcePolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_CAPACITY_PER_INSTANCE = 1.0;
    public static final double DEFAULT_FACTOR_HIGH = 1.2;
    public static final double DEFAULT_FACTOR_MEDIUM = 1.0;
    public static final double DEFAULT_FACTOR_LOW = 0.8;
    public static final double DEFAULT_HIGH_CONFIDENCE = 0.7;
    public static final double DEFAULT_MEDIUM_CONFIDENCE = 0.5;
    public static final double DEFAULT_CONFIDENCE_FLOOR = 0.3;
    public static final int DEFAULT_MIN_HISTORY_STEPS = 288;
    public static final double DEFAULT_HEADROOM_PER_ERROR = 1.0;
    public static final double DEFAULT_MAX_HEADROOM = 0.3;
    public static final double DEFAULT_MIN_HEADROOM = 0.15;
    public static final boolean DEFAULT_CALIBRATED = true;
    public static final double DEFAULT_TARGET_MISS_RATE = 0.024;
    public static final double DEFAULT_CALIBRATION_GAMMA = 0.005;
    public static final int DEFAULT_CALIBRATION_WINDOW_STEPS = 1152;
    public static final int DEFAULT_MIN_CALIBRATION_SCORES = 48;
    public static final double DEFAULT_MAX_MISS_LEVEL = 0.5;
    public static final double DEFAULT_MIN_MISS_LEVEL = 0.01;
    public static final double DEFAULT_MAX_SCORE_RATIO = 4.0;
    public static final double DEFAULT_BIAS_SMOOTHING = 0.0;
    public static final boolean DEFAULT_VOLATILITY_SCALED = false;
    public static final double DEFAULT_VOLATILITY_SMOOTHING = 0.1;
    public static final double DEFAULT_MAX_SCALED_SCORE = 20;
    public static final double DEFAULT_CALIBRATION_FLOOR = 0.1;
    public static final double DEFAULT_LEVEL_SMOOTHING = 0.15;
    public static final double DEFAULT_POINT_WEIGHT_LAST = 1.0;
    public static final double DEFAULT_POINT_WEIGHT_LEVEL = 1.0;
    public static final double DEFAULT_POINT_WEIGHT_FORECAST = 1.0;
    public static final String POINT_MIX_FIXED = "fixed";
    public static final String POINT_MIX_INVERSE_VARIANCE = "inverse-variance";
    public static final String POINT_MIX_MEDIAN = "median";
    public static final String DEFAULT_POINT_MIX = POINT_MIX_INVERSE_VARIANCE;
    public static final double DEFAULT_POINT_ERROR_SMOOTHING = 0.01;
    public static final double DEFAULT_SCORE_EXPONENT = 0.5;
    public static final boolean DEFAULT_REGIME_CONDITIONED = false;

    /** Demand units one instance serves (cores, MB, bytes, bytes/s); must be positive. */
    @JsonProperty public double capacityPerInstance = DEFAULT_CAPACITY_PER_INSTANCE;
    /** Factor on the forecast gap at risk level HIGH. */
    @JsonProperty public double factorHigh = DEFAULT_FACTOR_HIGH;
    /** Factor on the forecast gap at risk level MEDIUM. */
    @JsonProperty public double factorMedium = DEFAULT_FACTOR_MEDIUM;
    /** Factor on the forecast gap at risk level LOW. */
    @JsonProperty public double factorLow = DEFAULT_FACTOR_LOW;
    /** Confidence at or above which the risk level is HIGH. */
    @JsonProperty public double highConfidence = DEFAULT_HIGH_CONFIDENCE;
    /** Confidence at or above which the risk level is MEDIUM (else LOW). */
    @JsonProperty public double mediumConfidence = DEFAULT_MEDIUM_CONFIDENCE;
    /** Below this confidence the forecast is not used: reactive fallback. */
    @JsonProperty public double confidenceFloor = DEFAULT_CONFIDENCE_FLOOR;
    /** With fewer history steps than this the forecast is not used: reactive fallback. */
    @JsonProperty public int minHistorySteps = DEFAULT_MIN_HISTORY_STEPS;
    /** Headroom added to the forecast per unit of recent relative error (1.0: 10 % error gives 10 %). */
    @JsonProperty public double headroomPerError = DEFAULT_HEADROOM_PER_ERROR;
    /** Lower limit of that headroom (0.1 = 10 %), kept even when the recent error is tiny. */
    @JsonProperty public double minHeadroom = DEFAULT_MIN_HEADROOM;
    /** Upper limit of that headroom (0.5 = 50 %). */
    @JsonProperty public double maxHeadroom = DEFAULT_MAX_HEADROOM;
    /**
     * Whether the upper bound of demand is calibrated online ({@link DemandCalibrator}, adaptive
     * conformal inference) instead of the forecast plus an error-based headroom.
     */
    @JsonProperty public boolean calibrated = DEFAULT_CALIBRATED;
    /** Share of steps the calibrated capacity may be short (0.02 = 2 %). */
    @JsonProperty public double targetMissRate = DEFAULT_TARGET_MISS_RATE;
    /** How fast the calibrated miss level follows the realized misses (adaptive conformal gamma). */
    @JsonProperty public double calibrationGamma = DEFAULT_CALIBRATION_GAMMA;
    /** How many recent scores the calibrated quantile is taken over (1152 = four days at 5 minutes). */
    @JsonProperty public int calibrationWindowSteps = DEFAULT_CALIBRATION_WINDOW_STEPS;
    /** Scores needed before the calibrated bound is used (before: forecast plus headroom). */
    @JsonProperty public int minCalibrationScores = DEFAULT_MIN_CALIBRATION_SCORES;
    /**
     * Lowest miss level the calibration may be pushed to: on a series whose spikes no forecast
     * sees, chasing the target down to the window's maximum would cost far more than it saves.
     */
    @JsonProperty public double minMissLevel = DEFAULT_MIN_MISS_LEVEL;
    /**
     * Largest ratio of realized peak to point forecast a score keeps: a change of regime (a series
     * jumping a thousandfold) would otherwise inflate the bound for a whole window; such jumps are
     * left to the next decisions, which see the new level.
     */
    @JsonProperty public double maxScoreRatio = DEFAULT_MAX_SCORE_RATIO;
    /** Highest miss level the calibration may drift to after a calm stretch. */
    @JsonProperty public double maxMissLevel = DEFAULT_MAX_MISS_LEVEL;
    /** Fraction of the series' mean level added to both sides of a score ratio, so that it stays finite near zero. */
    @JsonProperty public double calibrationFloor = DEFAULT_CALIBRATION_FLOOR;
    /** Weight of the newest value in the exponentially weighted level of the point forecast. */
    @JsonProperty public double levelSmoothing = DEFAULT_LEVEL_SMOOTHING;
    /**
     * Whether scores are the peak's excess over the point forecast in units of the local volatility
     * (mean absolute step change) instead of the ratio of peak to point forecast.
     */
    @JsonProperty public boolean volatilityScaled = DEFAULT_VOLATILITY_SCALED;
    /** Weight of the newest step change in the local volatility. */
    @JsonProperty public double volatilitySmoothing = DEFAULT_VOLATILITY_SMOOTHING;
    /** Largest volatility-scaled score kept (the analogue of {@link #maxScoreRatio}). */
    @JsonProperty public double maxScaledScore = DEFAULT_MAX_SCALED_SCORE;
    /** Weight of the newest one-step error in the forecaster's bias correction (0: no correction). */
    @JsonProperty public double biasSmoothing = DEFAULT_BIAS_SMOOTHING;
    /** Weight of the last observed value in the point forecast. */
    @JsonProperty public double pointWeightLast = DEFAULT_POINT_WEIGHT_LAST;
    /** Weight of the exponentially weighted level in the point forecast. */
    @JsonProperty public double pointWeightLevel = DEFAULT_POINT_WEIGHT_LEVEL;
    /** Weight of the forecaster's p50 in the point forecast. */
    @JsonProperty public double pointWeightForecast = DEFAULT_POINT_WEIGHT_FORECAST;
    /**
     * How the point forecast's ingredients are mixed: {@code fixed} (the weights above),
     * {@code inverse-variance} (the weights above divided by each ingredient's recent variance of
     * log peak-to-forecast error, per series and causal) or {@code median} (of the ingredients).
     */
    @JsonProperty public String pointMix = DEFAULT_POINT_MIX;
    /** Weight of the newest error in the ingredients' error variances of {@code inverse-variance}. */
    @JsonProperty public double pointErrorSmoothing = DEFAULT_POINT_ERROR_SMOOTHING;
    /**
     * How the spread of demand around the point forecast f grows with f: scores are the peak's
     * excess over f divided by {@code (f + eps)^b} (times the slow scale^(1-b), so that they carry no
     * unit). 1 gives the peak-to-forecast ratio (spread proportional to the level), 0 an excess in
     * demand units, 0.5 the square root law of counts (Poisson-like arrivals).
     */
    @JsonProperty public double scoreExponent = DEFAULT_SCORE_EXPONENT;
    /**
     * Whether the score quantile is taken only over the scores of forecasts made in the same regime
     * as now: the newest value above the smoothed level (rising) or not (falling or flat).
     * Spikes and their aftermath then widen the bound of rising steps, not of every step.
     */
    @JsonProperty public boolean regimeConditioned = DEFAULT_REGIME_CONDITIONED;
    /** Magnitude bands of step scaling for scale-out, by increasing lower bound. */
    @JsonProperty public List<StepBand> stepBands = defaultBands();

    public ResourcePolicy() {}

    /**
     * The default bands: one band, the change as is. Steeper bands (1.25 times from a gap of the whole
     * allocation, 1.2/1.5 times from 20/50 %) turned noise spikes into costly overshoot on the shared
     * traces (median cost ratio 1.93 instead of 1.88 at the same under-provisioning); configure them
     * per resource where jumps are real.
     */
    public static List<StepBand> defaultBands() {
        List<StepBand> bands = new ArrayList<>();
        bands.add(new StepBand(0.0, 1.0));
        return bands;
    }

    /** A policy with defaults and the given capacity per instance. */
    public static ResourcePolicy withCapacity(double capacityPerInstance) {
        ResourcePolicy p = new ResourcePolicy();
        p.capacityPerInstance = capacityPerInstance;
        return p;
    }

    /** The factor for a risk level (1.0 for REACTIVE, where no forecast is weighed). */
    public double factor(RiskLevel level) {
        switch (level) {
            case HIGH:
                return factorHigh;
            case MEDIUM:
                return factorMedium;
            case LOW:
                return factorLow;
            default:
                return 1.0;
        }
    }

    /** The adjustment of the band that a relative gap falls in (1.0 when no band applies). */
    public double bandAdjustment(double relativeGap) {
        double adj = 1.0;
        double best = Double.NEGATIVE_INFINITY;
        if (stepBands != null) {
            for (StepBand b : stepBands) {
                if (relativeGap >= b.lowerBound && b.lowerBound >= best) {
                    best = b.lowerBound;
                    adj = b.adjustment;
                }
            }
        }
        return adj;
    }

    /** Throws a {@link ConfigException} naming the first wrong key under {@code keyPrefix}. */
    public void validate(String keyPrefix) {
        if (!(capacityPerInstance > 0) || !Double.isFinite(capacityPerInstance)) {
            throw new ConfigException(keyPrefix + ".capacityPerInstance", capacityPerInstance, "a finite number > 0");
        }
        checkFactor(keyPrefix + ".factorHigh", factorHigh);
        checkFactor(keyPrefix + ".factorMedium", factorMedium);
        checkFactor(keyPrefix + ".factorLow", factorLow);
        checkUnit(keyPrefix + ".highConfidence", highConfidence);
        checkUnit(keyPrefix + ".mediumConfidence", mediumConfidence);
        checkUnit(keyPrefix + ".confidenceFloor", confidenceFloor);
        if (mediumConfidence > highConfidence) {
            throw new ConfigException(keyPrefix + ".mediumConfidence", mediumConfidence, "<= highConfidence " + highConfidence);
        }
        if (confidenceFloor > mediumConfidence) {
            throw new ConfigException(keyPrefix + ".confidenceFloor", confidenceFloor, "<= mediumConfidence " + mediumConfidence);
        }
        if (minHistorySteps < 0) {
            throw new ConfigException(keyPrefix + ".minHistorySteps", minHistorySteps, "an integer >= 0");
        }
        if (!(headroomPerError >= 0) || headroomPerError > 10) {
            throw new ConfigException(keyPrefix + ".headroomPerError", headroomPerError, "a number in [0, 10]");
        }
        if (!(maxHeadroom >= 0) || maxHeadroom > 10) {
            throw new ConfigException(keyPrefix + ".maxHeadroom", maxHeadroom, "a number in [0, 10]");
        }
        if (!(minHeadroom >= 0) || minHeadroom > maxHeadroom) {
            throw new ConfigException(keyPrefix + ".minHeadroom", minHeadroom, "a number in [0, maxHeadroom " + maxHeadroom + "]");
        }
        checkUnit(keyPrefix + ".targetMissRate", targetMissRate);
        checkUnit(keyPrefix + ".calibrationGamma", calibrationGamma);
        checkUnit(keyPrefix + ".maxMissLevel", maxMissLevel);
        checkUnit(keyPrefix + ".minMissLevel", minMissLevel);
        if (minMissLevel > targetMissRate) {
            throw new ConfigException(keyPrefix + ".minMissLevel", minMissLevel, "<= targetMissRate " + targetMissRate);
        }
        if (targetMissRate > maxMissLevel) {
            throw new ConfigException(keyPrefix + ".targetMissRate", targetMissRate, "<= maxMissLevel " + maxMissLevel);
        }
        if (!(maxScoreRatio >= 1) || maxScoreRatio > 1000) {
            throw new ConfigException(keyPrefix + ".maxScoreRatio", maxScoreRatio, "a number in [1, 1000]");
        }
        if (calibrationWindowSteps < 1 || calibrationWindowSteps > 100_000) {
            throw new ConfigException(keyPrefix + ".calibrationWindowSteps", calibrationWindowSteps, "an integer in [1, 100000]");
        }
        if (minCalibrationScores < 1 || minCalibrationScores > calibrationWindowSteps) {
            throw new ConfigException(keyPrefix + ".minCalibrationScores", minCalibrationScores,
                    "an integer in [1, calibrationWindowSteps " + calibrationWindowSteps + "]");
        }
        if (!(calibrationFloor > 0) || calibrationFloor > 10) {
            throw new ConfigException(keyPrefix + ".calibrationFloor", calibrationFloor, "a number in (0, 10]");
        }
        if (!(levelSmoothing > 0) || levelSmoothing > 1) {
            throw new ConfigException(keyPrefix + ".levelSmoothing", levelSmoothing, "a number in (0, 1]");
        }
        checkUnit(keyPrefix + ".biasSmoothing", biasSmoothing);
        if (!(volatilitySmoothing > 0) || volatilitySmoothing > 1) {
            throw new ConfigException(keyPrefix + ".volatilitySmoothing", volatilitySmoothing, "a number in (0, 1]");
        }
        if (!(maxScaledScore > 0) || maxScaledScore > 1000) {
            throw new ConfigException(keyPrefix + ".maxScaledScore", maxScaledScore, "a number in (0, 1000]");
        }
        checkWeight(keyPrefix + ".pointWeightLast", pointWeightLast);
        checkWeight(keyPrefix + ".pointWeightLevel", pointWeightLevel);
        checkWeight(keyPrefix + ".pointWeightForecast", pointWeightForecast);
        if (!(pointWeightLast + pointWeightLevel > 0)) {
            throw new ConfigException(keyPrefix + ".pointWeightLast", pointWeightLast, "> 0 when pointWeightLevel is 0");
        }
        if (!POINT_MIX_FIXED.equals(pointMix) && !POINT_MIX_INVERSE_VARIANCE.equals(pointMix) && !POINT_MIX_MEDIAN.equals(pointMix)) {
            throw new ConfigException(keyPrefix + ".pointMix", pointMix, "fixed, inverse-variance or median");
        }
        if (!(pointErrorSmoothing > 0) || pointErrorSmoothing > 1) {
            throw new ConfigException(keyPrefix + ".pointErrorSmoothing", pointErrorSmoothing, "a number in (0, 1]");
        }
        if (!(scoreExponent >= 0) || scoreExponent > 1) {
            throw new ConfigException(keyPrefix + ".scoreExponent", scoreExponent, "a number in [0, 1]");
        }
        if (stepBands == null) {
            throw new ConfigException(keyPrefix + ".stepBands", null, "a list, possibly empty");
        }
        for (int i = 0; i < stepBands.size(); i++) {
            StepBand b = stepBands.get(i);
            if (b == null) {
                throw new ConfigException(keyPrefix + ".stepBands[" + i + "]", null, "{lowerBound, adjustment}");
            }
            b.validate(keyPrefix + ".stepBands[" + i + "]");
        }
    }

    private static void checkFactor(String key, double v) {
        if (!(v > 0) || v > 5 || !Double.isFinite(v)) {
            throw new ConfigException(key, v, "a number in (0, 5]");
        }
    }

    private static void checkWeight(String key, double v) {
        if (!(v >= 0) || v > 100) {
            throw new ConfigException(key, v, "a number in [0, 100]");
        }
    }

    private static void checkUnit(String key, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new ConfigException(key, v, "a number in [0, 1]");
        }
    }
}
