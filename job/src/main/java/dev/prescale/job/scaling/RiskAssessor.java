package dev.prescale.job.scaling;

import dev.prescale.models.Forecast;
import java.io.Serializable;

/**
 * Scores how far a resource's forecast can be trusted, in [0, 1], and maps the score to a
 * {@link RiskLevel}.
 *
 * <p>The score is the geometric mean of two parts, each in (0, 1]: the sharpness of the forecast,
 * {@code 1 / (1 + w)} with {@code w} the mean relative interval width (p90 - p10) / p50 over the
 * lead-time steps, and its track record, {@code 1 / (1 + 2 e)} with {@code e} the recent relative
 * error ({@link ResourceOutlook#recentError()}; an unknown error counts as 0.25, so that a new
 * series is trusted only moderately). With fewer history steps than the policy's minimum, or a
 * score below its floor, the level is {@link RiskLevel#REACTIVE}.
 */
public final class RiskAssessor implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The relative error assumed while none has been measured. */
    public static final double UNKNOWN_ERROR = 0.25;

    /** The outcome for one resource. */
    public record Assessment(double confidence, RiskLevel level, String why) {}

    /** Assesses the forecast steps {@code [from, to]} (0-based, inclusive) of an outlook. */
    public Assessment assess(ResourceOutlook outlook, ResourcePolicy policy, int from, int to) {
        Forecast f = outlook.forecast();
        double confidence = confidence(outlook, from, to);
        if (f == null || f.horizon() == 0) {
            return new Assessment(0, RiskLevel.REACTIVE, "no forecast");
        }
        if (!hasFiniteStep(f, from, to)) {
            // An unusable forecast (a model fault) says why in its note.
            return new Assessment(0, RiskLevel.REACTIVE, f.note().isEmpty() ? "no finite forecast" : "no finite forecast: " + f.note());
        }
        if (outlook.historySteps() < policy.minHistorySteps) {
            return new Assessment(confidence, RiskLevel.REACTIVE,
                    "history of " + outlook.historySteps() + " steps is shorter than " + policy.minHistorySteps);
        }
        if (!(confidence >= policy.confidenceFloor)) {
            return new Assessment(confidence, RiskLevel.REACTIVE,
                    String.format(java.util.Locale.ROOT, "confidence %.2f is below the floor %.2f", confidence, policy.confidenceFloor));
        }
        RiskLevel level = confidence >= policy.highConfidence ? RiskLevel.HIGH
                : confidence >= policy.mediumConfidence ? RiskLevel.MEDIUM : RiskLevel.LOW;
        return new Assessment(confidence, level, "");
    }

    private static boolean hasFiniteStep(Forecast f, int from, int to) {
        int lo = Math.max(0, Math.min(from, f.horizon() - 1));
        int hi = Math.max(lo, Math.min(to, f.horizon() - 1));
        for (int i = lo; i <= hi; i++) {
            if (Double.isFinite(f.p50()[i])) {
                return true;
            }
        }
        return false;
    }

    /** The confidence score in [0, 1]; 0 without a usable forecast. */
    public double confidence(ResourceOutlook outlook, int from, int to) {
        Forecast f = outlook.forecast();
        if (f == null || f.horizon() == 0) {
            return 0;
        }
        int lo = Math.max(0, Math.min(from, f.horizon() - 1));
        int hi = Math.max(lo, Math.min(to, f.horizon() - 1));
        double width = 0;
        int n = 0;
        for (int i = lo; i <= hi; i++) {
            double p50 = f.p50()[i];
            double w = f.p90()[i] - f.p10()[i];
            if (!Double.isFinite(p50) || !Double.isFinite(w)) {
                continue;
            }
            // A near-zero median makes the ratio meaningless; it then counts as one full width.
            width += p50 > 1e-12 ? Math.max(0, w) / p50 : (w > 1e-12 ? 1.0 : 0.0);
            n++;
        }
        if (n == 0) {
            return 0;
        }
        width /= n;
        double e = Double.isFinite(outlook.recentError()) ? Math.max(0, outlook.recentError()) : UNKNOWN_ERROR;
        double sharpness = 1.0 / (1.0 + width);
        double record = 1.0 / (1.0 + 2.0 * e);
        return Math.sqrt(sharpness * record);
    }
}
