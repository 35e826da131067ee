package dev.prescale.job.eval;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.models.trace.Trace;
import java.io.Serializable;

/**
 * Turns a demand trace into the interaction events that make the job's windows reproduce it.
 *
 * <p>Row {@code i} of the trace (value {@code v}) becomes window {@code i} of a regular event-time
 * axis: {@code [origin + i*Δ, origin + (i+1)*Δ)}, with {@code origin} the first timestamp rounded
 * down to a multiple of Δ (Flink's tumbling windows are aligned to the epoch) and Δ the trace's
 * step. The axis is regular on purpose: EVALUATION.md counts steps as rows (a missing timestamp is
 * not filled in), so row i must be the i-th window whatever the trace's own clock does.
 *
 * <p>Each window gets {@code k} events, one per replay user, at {@code windowStart + u} ms. User 0
 * carries the whole cost, {@code cpuMillis = v x Δ(ms)}; the others cost nothing and only make the
 * window k-anonymous (the job merges groups with fewer than k distinct users into {@code _other}).
 * The job's aggregate is CPU cores = sum(cpuMillis) / Δ = (v x Δ) / Δ; adding zeros is exact, so
 * the job sees v itself or its neighbouring double (two roundings; integer values such as counts
 * come back to the bit, about 1 % of the shared traces' decimal values come back one ulp off, see
 * {@code TraceToEventsTest}). A one-ulp difference changes a decision only if v / C or
 * v / (0.7 C) is an integer to the last bit. The capacity per instance is C in the trace's unit.
 *
 * <p>A decision the job makes after window i is stamped with its end, {@code origin + (i+1)*Δ};
 * {@link #rowOfDecision} maps it back to row i, whose EVALUATION.md timestamp is
 * {@code times[i] + Δ}. Events of row i depend only on row i, so nothing of a later row can reach
 * a decision for an earlier one.
 */
public final class TraceToEvents implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] values;
    private final long stepMillis;
    private final long originMillis;
    private final int users;
    private final String group;

    /**
     * @param trace the trace (values, step, first timestamp)
     * @param group the interaction group the events belong to
     * @param users distinct users per window (at least the job's k)
     */
    public TraceToEvents(Trace trace, String group, int users) {
        if (users < 1) {
            throw new IllegalArgumentException("at least one user per window");
        }
        if (trace.size() == 0) {
            throw new IllegalArgumentException("empty trace " + trace.name());
        }
        if (users > trace.stepMillis()) {
            throw new IllegalArgumentException("more users than milliseconds in a step");
        }
        this.values = trace.values().clone();
        this.stepMillis = trace.stepMillis();
        this.originMillis = Math.floorDiv(trace.timesMillis()[0], stepMillis) * stepMillis;
        this.users = users;
        this.group = group;
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0) || Double.isInfinite(values[i])) {
                throw new IllegalArgumentException("row " + i + " of " + trace.name() + " is not a finite demand >= 0: " + values[i]);
            }
        }
    }

    /** How many events the whole trace becomes. */
    public long eventCount() {
        return (long) values.length * users;
    }

    public int rows() {
        return values.length;
    }

    public long stepMillis() {
        return stepMillis;
    }

    public long originMillis() {
        return originMillis;
    }

    /** Start of row i's window on the replay axis. */
    public long windowStart(int row) {
        return originMillis + row * stepMillis;
    }

    /** The event with sequence number {@code n} (row {@code n / users}, user {@code n % users}), in event-time order. */
    public Interaction event(long n) {
        int row = (int) (n / users);
        int user = (int) (n % users);
        Interaction i = new Interaction(windowStart(row) + user, "replay-user-" + user, group, Interaction.Kind.API_CALL);
        i.cpuMillis = user == 0 ? cpuMillis(values[row], stepMillis) : 0.0;
        return i;
    }

    /** The cost that makes a window of {@code stepMillis} carry {@code value} cores. */
    static double cpuMillis(double value, long stepMillis) {
        return value * stepMillis;
    }

    /** The row a decision stamped {@code decisionMillis} (a window end on the replay axis) was made after, or -1. */
    public int rowOfDecision(long decisionMillis) {
        long d = decisionMillis - originMillis;
        if (d <= 0 || d % stepMillis != 0) {
            return -1;
        }
        long row = d / stepMillis - 1;
        return row < values.length ? (int) row : -1;
    }
}
