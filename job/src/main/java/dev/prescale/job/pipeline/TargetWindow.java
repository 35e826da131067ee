package dev.prescale.job.pipeline;

/**
 * The sum of a target's group forecasts for one window, built up as the groups arrive. A Flink
 * POJO; arrays indexed by resource ordinal.
 */
public class TargetWindow {
    public long windowEnd;
    public long stepMillis;
    public double[] observed;
    public double[][] p10;
    public double[][] p50;
    public double[][] p90;
    /** The shortest history among the groups (a new group makes the target cautious). */
    public int historySteps = Integer.MAX_VALUE;
    public int groups;
    public String model;
    public String note = "";

    public TargetWindow() {}

    /** Adds one group's forecast; quantiles are summed (as if the groups moved together). */
    public void add(GroupForecast f) {
        int resources = f.observed.length;
        if (observed == null) {
            windowEnd = f.windowEnd;
            stepMillis = f.stepMillis;
            observed = new double[resources];
            p10 = new double[resources][f.horizon()];
            p50 = new double[resources][f.horizon()];
            p90 = new double[resources][f.horizon()];
        }
        for (int r = 0; r < resources; r++) {
            observed[r] += f.observed[r];
            addInto(p10[r], f.p10[r]);
            addInto(p50[r], f.p50[r]);
            addInto(p90[r], f.p90[r]);
        }
        historySteps = Math.min(historySteps, f.historySteps);
        groups++;
        model = f.model;
        if (f.note != null && !f.note.isEmpty() && !note.contains(f.note)) {
            note = note.isEmpty() ? f.group + ": " + f.note : note + "; " + f.group + ": " + f.note;
        }
    }

    private static void addInto(double[] sum, double[] x) {
        for (int i = 0; i < Math.min(sum.length, x.length); i++) {
            // An unusable group forecast (NaN: a model fault) makes the target's sum unusable too;
            // skipping it would under-forecast the target and could scale it in.
            sum[i] = Double.isFinite(x[i]) ? sum[i] + x[i] : Double.NaN;
        }
    }
}
