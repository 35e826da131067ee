package dev.prescale.job.forecast;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * NaN-filled arrays kept for reuse, per length: the full-length histories the forecast operator
 * builds for sparse tasks. Whoever takes an array writes a few values, and must set exactly those
 * back to NaN before giving it back. Not thread safe (one operator's mailbox thread).
 *
 * <p>Only the lengths taken during the last batch that took any are kept ({@link #endBatch}): at
 * steady state every group has the full context (one length), while growing young groups change
 * length each window and would otherwise leave arrays of lengths never asked for again. Of a
 * length in use it keeps as many arrays as one batch took at most.
 */
final class NanArrayPool {
    private final Map<Integer, ArrayDeque<double[]>> free = new HashMap<>();
    private final Set<Integer> taken = new HashSet<>();

    /** A NaN-filled array of the length: a kept one, or a new one. */
    double[] take(int length) {
        taken.add(length);
        ArrayDeque<double[]> kept = free.get(length);
        double[] a = kept == null ? null : kept.pollLast();
        if (a == null) {
            a = new double[length];
            Arrays.fill(a, Double.NaN);
        }
        return a;
    }

    /** Keeps an array for a later {@link #take}; every element must be NaN again. */
    void giveBack(double[] a) {
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
    }

    /**
     * Drops the kept arrays of every length not taken since the previous call; keeps all when none
     * was taken (a batch of complete tasks only says nothing about the lengths to come).
     */
    void endBatch() {
        if (taken.isEmpty()) {
            return;
        }
        free.keySet().retainAll(taken);
        taken.clear();
    }

    /** Arrays kept now (tests). */
    int kept() {
        int n = 0;
        for (ArrayDeque<double[]> d : free.values()) {
            n += d.size();
        }
        return n;
    }
}
