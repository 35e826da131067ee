package dev.prescale.models.lstm;

/**
 * One model input in plain arrays: the context sequence ({@code context x SEQ_FEATURES}, row-major),
 * the static vector, the level it was scaled by, and for training the scaled targets.
 *
 * @param target scaled future values (one per horizon step), or null at inference
 */
public record ModelWindow(float[] sequence, float[] statics, double scale, float[] target) {}
