package dev.prescale.models.lstm;

/**
 * One model input in plain arrays: the context sequence ({@code context x SEQ_FEATURES}, row-major),
 * the static vector, how values were normalized ({@code (value - center) / scale}), and for training
 * the normalized targets.
 *
 * @param target normalized future values (one per horizon step), or null at inference
 */
public record ModelWindow(float[] sequence, float[] statics, double center, double scale, float[] target) {

    /** A window scaled by its level only (center 0). */
    public ModelWindow(float[] sequence, float[] statics, double scale, float[] target) {
        this(sequence, statics, 0.0, scale, target);
    }
}
