package dev.prescale.job.scaling;

/**
 * What the engine remembers per scaling target between decisions; kept in Flink keyed state, so a
 * Flink POJO (public fields, no-argument constructor).
 */
public class TargetState {
    /** The last desired capacity decided, or -1 before the first decision. */
    public int lastDesired = -1;
    /** The last warm-pool size decided. */
    public int lastWarmPool;
    /** The measured in-service count from the utilization topic, or -1 when none was seen. */
    public int measuredInService = -1;
    /** When the measured in-service count was seen (epoch ms). */
    public long measuredAtMillis = Long.MIN_VALUE;
    /** When the last scale-in took effect (epoch ms). */
    public long lastScaleInMillis = Long.MIN_VALUE;
    /** When the last scale-out took effect (epoch ms). */
    public long lastScaleOutMillis = Long.MIN_VALUE;
    /** Recent capacity recommendations, newest last, for scale-in stabilization. */
    public int[] recentRecommendations = new int[0];
    /** Decision times of {@link #recentRecommendations}. */
    public long[] recentRecommendationMillis = new long[0];
    /**
     * When the last decision was made (its window end, epoch ms), or {@code Long.MIN_VALUE} before the
     * first and in state restored from a savepoint older than this field (Flink's POJO evolution gives
     * an added field its constructor value); windows skipped between two decisions are counted from it.
     */
    public long lastDecisionMillis = Long.MIN_VALUE;

    /** Per resource type (by ordinal), the calibration memory of {@link DemandCalibrator}; grown when needed. */
    public CalibratorState[] calibrators = new CalibratorState[0];

    public TargetState() {}

    /** The calibration memory of one resource type, created on first use. */
    public CalibratorState calibrator(dev.prescale.connectors.records.ResourceType type) {
        int i = type.ordinal();
        if (calibrators == null || calibrators.length <= i) {
            CalibratorState[] grown = new CalibratorState[dev.prescale.connectors.records.ResourceType.values().length];
            for (int k = 0; k < grown.length; k++) {
                grown[k] = calibrators != null && k < calibrators.length && calibrators[k] != null ? calibrators[k] : new CalibratorState();
            }
            calibrators = grown;
        }
        if (calibrators[i] == null) {
            calibrators[i] = new CalibratorState();
        }
        return calibrators[i];
    }
}
