package dev.prescale.job.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference policies of EVALUATION.md as decision logs for a {@link CloudGroupSimulator}:
 * {@code reactive} (target tracking at 70 % on the last step, scale-in to the largest want of the
 * last 3 steps), {@code reactive-warm} (plus a warm pool of ceil(0.25 desired)) and {@code seasonal}
 * (the larger of reactive and a one-day seasonal-naive schedule over the cold lead).
 */
public final class ReferencePolicies {

    /** Target utilization of the reactive references. */
    public static final double TARGET_UTILIZATION = 0.7;
    /** Steps of the reactive scale-in stabilization. */
    public static final int STABILIZATION_STEPS = 3;

    private ReferencePolicies() {}

    /** {@code want} after step t: ceil(v[t] / (0.7 C)). */
    static int want(double value, double c) {
        return (int) Math.ceil(value / (TARGET_UTILIZATION * c));
    }

    /** The reactive desired capacity decided after each step. */
    static int[] reactiveDesired(CloudGroupSimulator sim) {
        double[] v = sim.values();
        double c = sim.capacityUnit();
        int[] wants = new int[v.length];
        int[] desired = new int[v.length];
        for (int t = 0; t < v.length; t++) {
            wants[t] = want(v[t], c);
            int d = 0;
            for (int k = Math.max(0, t - STABILIZATION_STEPS + 1); k <= t; k++) {
                d = Math.max(d, wants[k]);
            }
            desired[t] = d;
        }
        return desired;
    }

    public static List<Decision> reactive(CloudGroupSimulator sim) {
        int[] d = reactiveDesired(sim);
        List<Decision> out = new ArrayList<>(d.length);
        for (int t = 0; t < d.length; t++) {
            out.add(new Decision(sim.decisionTime(t), d[t], 0));
        }
        return out;
    }

    public static List<Decision> reactiveWarm(CloudGroupSimulator sim) {
        int[] d = reactiveDesired(sim);
        List<Decision> out = new ArrayList<>(d.length);
        for (int t = 0; t < d.length; t++) {
            out.add(new Decision(sim.decisionTime(t), d[t], (int) Math.ceil(0.25 * d[t])));
        }
        return out;
    }

    /**
     * The decision made after step t (in effect for step t + 1) is the larger of reactive's and
     * ceil(m / (0.7 C)), m the largest value one day before steps t+1 .. t+1+Lc already observed.
     */
    public static List<Decision> seasonal(CloudGroupSimulator sim, int stepsPerDay) {
        int[] d = reactiveDesired(sim);
        double[] v = sim.values();
        double c = sim.capacityUnit();
        int lc = sim.coldLeadSteps();
        List<Decision> out = new ArrayList<>(d.length);
        for (int t = 0; t < d.length; t++) {
            double m = Double.NaN;
            for (int s = t + 1; s <= t + 1 + lc; s++) {
                int k = s - stepsPerDay;
                if (k >= 0 && k <= t) {
                    m = Double.isNaN(m) ? v[k] : Math.max(m, v[k]);
                }
            }
            int want = Double.isNaN(m) ? 0 : want(m, c);
            out.add(new Decision(sim.decisionTime(t), Math.max(d[t], want), 0));
        }
        return out;
    }
}
