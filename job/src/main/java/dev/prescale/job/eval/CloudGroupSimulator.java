package dev.prescale.job.eval;

import dev.prescale.models.trace.Trace;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The cloud group of EVALUATION.md, step by step, so that a decision log can be scored number for
 * number like the independent scorer does.
 *
 * <p>Per step t: (1) the decision in effect (the last one stamped at or before the step's start)
 * is applied: growth toward {@code desired} takes ready warm-pool instances first (in service after
 * the warm lead), the rest cold (after the cold lead); a shrink cancels pending launches newest
 * first, then removes in-service instances; the warm pool is resized toward its size (new
 * instances are ready after the warm-pool lead; a shrink removes preparing instances newest first,
 * then ready ones). (2) Launches and warm-pool preparations whose ready step is t complete. (3) The
 * step is under-provisioned when {@code v > S C}. (4) Its cost is
 * {@code S + launching + 0.1 (warm ready + warm preparing)}. Leads are counted in rows:
 * {@code ceil(seconds / step)}.
 */
public final class CloudGroupSimulator {

    /** Days from the first timestamp before scoring starts. */
    public static final long WARMUP_MILLIS = 3L * 86_400_000L;
    public static final long COLD_LEAD_SECONDS = 600;
    public static final long WARM_LEAD_SECONDS = 120;
    public static final long WARM_PREPARE_SECONDS = 600;
    /** Cost of a stopped warm-pool instance relative to a running one. */
    public static final double WARM_COST = 0.1;

    private final long[] times;
    private final double[] v;
    private final long stepMillis;
    private final double capacity;
    private final int coldLead;
    private final int warmLead;
    private final int warmPrepare;
    private final int firstScored;
    private final int endScored;

    public CloudGroupSimulator(Trace trace) {
        this(trace.timesMillis(), trace.values(), trace.stepMillis(), capacityUnit(trace.values()));
    }

    /** A simulator with a given capacity unit (tests use small hand-made values). */
    public CloudGroupSimulator(long[] times, double[] values, long stepMillis, double capacityUnit) {
        if (times.length != values.length || values.length == 0) {
            throw new IllegalArgumentException("times and values must be non-empty and of equal length");
        }
        this.times = times;
        this.v = values;
        this.stepMillis = stepMillis;
        this.capacity = capacityUnit;
        this.coldLead = leadSteps(COLD_LEAD_SECONDS, stepMillis);
        this.warmLead = leadSteps(WARM_LEAD_SECONDS, stepMillis);
        this.warmPrepare = leadSteps(WARM_PREPARE_SECONDS, stepMillis);
        int first = 0;
        while (first < times.length && times[first] < times[0] + WARMUP_MILLIS) {
            first++;
        }
        this.firstScored = first;
        this.endScored = times.length;
    }

    private CloudGroupSimulator(CloudGroupSimulator base, int from, int to) {
        this.times = base.times;
        this.v = base.v;
        this.stepMillis = base.stepMillis;
        this.capacity = base.capacity;
        this.coldLead = base.coldLead;
        this.warmLead = base.warmLead;
        this.warmPrepare = base.warmPrepare;
        this.firstScored = from;
        this.endScored = to;
    }

    /**
     * The same group scoring only steps {@code [from, to)}, for held-out checks (for instance the
     * first and second half of the scored window); the simulation itself still runs from step 0.
     */
    public CloudGroupSimulator scoredRange(int from, int to) {
        if (from < 0 || to > v.length || from >= to) {
            throw new IllegalArgumentException("bad scored range [" + from + ", " + to + ")");
        }
        return new CloudGroupSimulator(this, from, to);
    }

    /** C = nearest-rank p99 of all values / 20. */
    public static double capacityUnit(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(0.99 * s.length);
        return s[Math.max(0, rank - 1)] / 20.0;
    }

    /** ceil(seconds / step) in steps. */
    public static int leadSteps(long seconds, long stepMillis) {
        return (int) -Math.floorDiv(-seconds * 1000L, stepMillis);
    }

    public double capacityUnit() {
        return capacity;
    }

    public int coldLeadSteps() {
        return coldLead;
    }

    public int warmLeadSteps() {
        return warmLead;
    }

    public int firstScoredStep() {
        return firstScored;
    }

    public long stepMillis() {
        return stepMillis;
    }

    /** The timestamp of a decision made after observing step t: the end of step t. */
    public long decisionTime(int t) {
        return times[t] + stepMillis;
    }

    /** Runs the group under a decision log (sorted by timestamp here) and scores it. */
    public SimulationResult run(List<Decision> decisions) {
        Decision[] ds = decisions.toArray(new Decision[0]);
        Arrays.sort(ds, (a, b) -> Long.compare(a.timestampMillis(), b.timestampMillis()));
        int n = v.length;
        int[] inService = new int[n];
        int[] launchingOut = new int[n];
        int[] warmReadyOut = new int[n];
        int[] warmPrepOut = new int[n];
        int[] desiredOut = new int[n];
        int s = (int) Math.ceil(v[0] / capacity);
        Deque<Integer> launches = new ArrayDeque<>(); // ready steps, oldest first
        Deque<Integer> preparing = new ArrayDeque<>(); // ready steps, oldest first
        int warmReady = 0;
        int next = 0;
        Decision inEffect = null;
        for (int t = 0; t < n; t++) {
            while (next < ds.length && ds[next].timestampMillis() <= times[t]) {
                inEffect = ds[next++];
            }
            // 1. apply the decision in effect
            if (inEffect != null) {
                int total = s + launches.size();
                int want = Math.max(0, inEffect.desired());
                if (want > total) {
                    int grow = want - total;
                    int fromWarm = Math.min(grow, warmReady);
                    warmReady -= fromWarm;
                    for (int i = 0; i < fromWarm; i++) {
                        launches.addLast(t + warmLead);
                    }
                    for (int i = fromWarm; i < grow; i++) {
                        launches.addLast(t + coldLead);
                    }
                } else if (want < total) {
                    int shrink = total - want;
                    while (shrink > 0 && !launches.isEmpty()) {
                        launches.removeLast();
                        shrink--;
                    }
                    s -= shrink;
                }
                int pool = Math.max(0, inEffect.warmPool());
                int poolTotal = warmReady + preparing.size();
                if (pool > poolTotal) {
                    for (int i = poolTotal; i < pool; i++) {
                        preparing.addLast(t + warmPrepare);
                    }
                } else if (pool < poolTotal) {
                    int shrink = poolTotal - pool;
                    while (shrink > 0 && !preparing.isEmpty()) {
                        preparing.removeLast();
                        shrink--;
                    }
                    warmReady -= shrink;
                }
            }
            // 2. launches and preparations that are ready now complete
            s += drainReady(launches, t);
            warmReady += drainReady(preparing, t);
            inService[t] = s;
            launchingOut[t] = launches.size();
            warmReadyOut[t] = warmReady;
            warmPrepOut[t] = preparing.size();
            desiredOut[t] = inEffect == null ? -1 : inEffect.desired();
        }
        return score(inService, launchingOut, warmReadyOut, warmPrepOut, desiredOut);
    }

    /** Removes and counts the entries whose ready step is at or before t (launches are never reordered). */
    private static int drainReady(Deque<Integer> q, int t) {
        int done = 0;
        Iterator<Integer> it = q.iterator();
        while (it.hasNext()) {
            if (it.next() <= t) {
                it.remove();
                done++;
            }
        }
        return done;
    }

    private SimulationResult score(int[] inService, int[] launching, int[] warmReady, int[] warmPrep, int[] desired) {
        int n = v.length;
        int under = 0;
        double unserved = 0;
        double demand = 0;
        double cost = 0;
        double oracle = 0;
        int actions = 0;
        for (int t = firstScored; t < endScored; t++) {
            double served = inService[t] * capacity;
            if (v[t] > served) {
                under++;
                unserved += v[t] - served;
            }
            demand += v[t];
            cost += inService[t] + launching[t] + WARM_COST * (warmReady[t] + warmPrep[t]);
            oracle += Math.ceil(v[t] / capacity);
            // Changes between consecutive scored steps, as the independent scorer counts them.
            if (t > firstScored && desired[t] != desired[t - 1]) {
                actions++;
            }
        }
        int scored = endScored - firstScored;
        return new SimulationResult(capacity, firstScored, scored,
                scored == 0 ? 0 : 100.0 * under / scored,
                demand == 0 ? 0 : 100.0 * unserved / demand,
                oracle == 0 ? Double.NaN : cost / oracle,
                actions, inService, launching, warmReady, warmPrep, desired);
    }

    /** Oracle figures: S(t) = ceil(v/C), so nothing is under-provisioned and the cost ratio is 1. */
    public SimulationResult oracle() {
        int n = v.length;
        int[] s = new int[n];
        for (int t = 0; t < n; t++) {
            s[t] = (int) Math.ceil(v[t] / capacity);
        }
        return score(s, new int[n], new int[n], new int[n], s.clone());
    }

    public double[] values() {
        return v;
    }

    public long[] times() {
        return times;
    }
}
