package dev.prescale.job.pipeline;

/**
 * The sum of a target's group forecasts for one window, built up as the groups (or partial sums of
 * them, {@link TargetPartial}) arrive. A Flink POJO; arrays indexed by resource ordinal.
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
        start(f.windowEnd, f.stepMillis, f.observed.length, f.horizon());
        addSums(f.observed, f.p10, f.p50, f.p90);
        historySteps = Math.min(historySteps, f.historySteps);
        groups++;
        model = f.model;
        addNote(f.group, f.note);
    }

    /**
     * Adds a partial sum of other groups of this target and window: as if its forecasts were added
     * one by one after this sum's, up to the rounding of the sums' order, notes included (the
     * partial keeps each of its forecasts' note texts once, in order, and each is kept here by
     * {@link #add}'s rule).
     */
    public void merge(TargetPartial partial) {
        TargetWindow o = partial.sums;
        if (o.observed == null) {
            return; // no forecast in it
        }
        start(o.windowEnd, o.stepMillis, o.observed.length, o.p50[0].length);
        addSums(o.observed, o.p10, o.p50, o.p90);
        historySteps = Math.min(historySteps, o.historySteps);
        groups += o.groups;
        model = o.model;
        for (int i = 0; i < partial.notes.length; i++) {
            addNote(partial.noteGroups[i], partial.notes[i]);
        }
    }

    private void addSums(double[] addObserved, double[][] addP10, double[][] addP50, double[][] addP90) {
        for (int r = 0; r < addObserved.length; r++) {
            observed[r] += addObserved[r];
            addInto(p10[r], addP10[r]);
            addInto(p50[r], addP50[r]);
            addInto(p90[r], addP90[r]);
        }
    }

    /** Sized on the first forecast: zero sums. */
    private void start(long end, long step, int resources, int horizon) {
        if (observed == null) {
            windowEnd = end;
            stepMillis = step;
            observed = new double[resources];
            p10 = new double[resources][horizon];
            p50 = new double[resources][horizon];
            p90 = new double[resources][horizon];
        }
    }

    /** Keeps a group's note unless its text is in the notes already (the first group with it is named). */
    private void addNote(String group, String text) {
        if (text != null && !text.isEmpty() && !note.contains(text)) {
            note = note.isEmpty() ? group + ": " + text : note + "; " + group + ": " + text;
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
