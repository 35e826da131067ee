package dev.prescale.job.pipeline;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a group's window sums into demand rates ({@link GroupWindow}); marks re-firings caused by
 * late records as updates, counted in per-window state that Flink clears with the window. Without
 * allowed lateness a window fires once and is purged at once: nothing to count, and no state read,
 * written and deleted per group and window.
 */
public class WindowResultFunction extends ProcessWindowFunction<DemandAccumulator, GroupWindow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /** The per-window state that marks a window as fired ({@link PartialDemandWindowOperator} keeps the name). */
    static final String FIRED = "fired";

    private final ValueStateDescriptor<Boolean> firedDescriptor = new ValueStateDescriptor<>(FIRED, Types.BOOLEAN);
    private final boolean refires;
    private final int k;

    /**
     * @param allowedLatenessMillis the window's allowed lateness: only above 0 may a window fire again
     * @param k the k of k-anonymity: only groups of fewer users (and one named {@code _other}) may be
     *     merged into {@code _other}, which needs their users; the others go on without user ids
     */
    public WindowResultFunction(long allowedLatenessMillis, int k) {
        this.refires = allowedLatenessMillis > 0;
        this.k = k;
    }

    @Override
    public void process(String group, Context ctx, Iterable<DemandAccumulator> sums, Collector<GroupWindow> out) throws Exception {
        GroupWindow g = result(group, ctx.window(), sums.iterator().next(), k);
        if (refires) {
            ValueState<Boolean> fired = ctx.windowState().getState(firedDescriptor);
            g.update = Boolean.TRUE.equals(fired.value());
            fired.update(true);
        }
        out.collect(g);
    }

    /** A group's demand rates in a window from its sums (not yet marked as an update). */
    static GroupWindow result(String group, TimeWindow w, DemandAccumulator a, int k) {
        double millis = w.getEnd() - w.getStart();
        GroupWindow g = new GroupWindow();
        g.group = group;
        g.windowStart = w.getStart();
        g.windowEnd = w.getEnd();
        g.cpuCores = a.cpuMillis / millis;
        g.memoryMb = a.memMbMillis / millis;
        g.networkBytesPerSecond = a.netBytes / (millis / 1000.0);
        g.bytesWritten = a.bytesWritten;
        g.apiCalls = a.apiCalls;
        g.dataAccesses = a.dataAccesses;
        g.uiEvents = a.uiEvents;
        g.distinctUsers = a.users.size();
        // Hashes of the pseudonyms: enough for k-anonymity's union of the small groups; a group of k
        // or more users is never merged, and its ids would only be shipped and dropped.
        g.users = KAnonymityFunction.keepsItsName(group, g.distinctUsers, k) ? null : a.users.ids();
        return g;
    }

    @Override
    public void clear(Context ctx) {
        if (refires) {
            ctx.windowState().getState(firedDescriptor).clear();
        }
    }
}
