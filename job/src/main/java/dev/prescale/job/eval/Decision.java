package dev.prescale.job.eval;

/**
 * One row of a decision log as EVALUATION.md reads it: from {@code timestampMillis} on (the first
 * step whose start is at or after it), the group aims at {@code desired} instances and a warm pool
 * of {@code warmPool}.
 */
public record Decision(long timestampMillis, int desired, int warmPool) {}
