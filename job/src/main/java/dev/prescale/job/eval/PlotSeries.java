package dev.prescale.job.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The series of the main plot over a window of steps: demand, the in-service capacity of the policy
 * and of the references, the policy's in-service plus ready warm pool, the forecast band for each
 * step (p10..p90 of the forecast made one step before it) and the decision confidence.
 */
final class PlotSeries {
    final int from;
    final int to;
    final long[] times;
    final double[] demand;
    final double[] p10;
    final double[] p90;
    final double[] confidence;
    /** Name and capacity (S C) per step; the policy under test first. */
    final List<String> names = new ArrayList<>();
    final List<double[]> capacity = new ArrayList<>();
    /** (S + ready warm pool) C of the policy under test. */
    final double[] withWarm;

    PlotSeries(TraceEvaluation e, int days) {
        int n = e.trace.size();
        this.to = n;
        this.from = Math.max(e.simulator.firstScoredStep(), n - days * e.trace.stepsPerDay());
        int m = to - from;
        double c = e.simulator.capacityUnit();
        times = new long[m];
        demand = new double[m];
        p10 = new double[m];
        p90 = new double[m];
        confidence = new double[m];
        withWarm = new double[m];
        for (String name : List.of(e.policyName, "reactive", "seasonal")) {
            SimulationResult r = e.whole.get(name);
            if (r == null) {
                continue;
            }
            double[] s = new double[m];
            for (int i = 0; i < m; i++) {
                s[i] = r.inService()[from + i] * c;
            }
            names.add(name);
            capacity.add(s);
        }
        SimulationResult mine = e.whole.get(e.policyName);
        for (int i = 0; i < m; i++) {
            int t = from + i;
            times[i] = e.trace.timesMillis()[t];
            demand[i] = e.trace.values()[t];
            OfflineReplay.Step before = t > 0 && e.steps != null && t - 1 < e.steps.size() ? e.steps.get(t - 1) : null;
            p10[i] = before != null && before.forecast() != null ? before.forecast().p10()[0] : Double.NaN;
            p90[i] = before != null && before.forecast() != null ? before.forecast().p90()[0] : Double.NaN;
            confidence[i] = e.steps != null && t < e.steps.size() ? e.steps.get(t).decision().confidence : Double.NaN;
            withWarm[i] = mine == null ? Double.NaN : (mine.inService()[t] + mine.warmReady()[t]) * c;
        }
    }

    int size() {
        return to - from;
    }

    /** The largest finite value of all plotted demand-scale series, for the y axis. */
    double maxY() {
        double m = 0;
        for (int i = 0; i < size(); i++) {
            m = max(m, demand[i]);
            m = max(m, p90[i]);
            m = max(m, withWarm[i]);
            for (double[] s : capacity) {
                m = max(m, s[i]);
            }
        }
        return m <= 0 ? 1 : m * 1.05;
    }

    private static double max(double a, double b) {
        return Double.isFinite(b) ? Math.max(a, b) : a;
    }
}
