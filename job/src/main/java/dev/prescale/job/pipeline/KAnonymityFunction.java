package dev.prescale.job.pipeline;

import dev.prescale.job.config.PrescaleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * k-anonymity per window: keyed by window end, collects every group's window and, once event time
 * has passed the window, emits the groups with at least k distinct users as they are and merges the
 * others into {@code _other}. The user pseudonyms are dropped here; only counts go on.
 *
 * <p>{@code _other} must itself have k distinct users: when the small groups of a window together
 * have fewer, {@code _other} is not emitted (counted in {@code otherSuppressedBelowK}). That demand,
 * of fewer than k people, is too small to matter for capacity; merging named groups into
 * {@code _other} instead would make their histories flip between their own name and {@code _other}
 * from window to window and take their scheduled events away.
 *
 * <p>A late re-firing of a window (within allowed lateness) replaces its group and the whole
 * window is emitted again as an update; the window's state is cleared once lateness has passed.
 *
 * <p>Without allowed lateness a window fires once per group, and whether a group has k users does
 * not depend on the others: such a group goes on at once, without being stored, and only the small
 * ones wait for event time to pass the window (most of the work and the state was the big ones).
 */
public class KAnonymityFunction extends KeyedProcessFunction<Long, GroupWindow, GroupWindow> {
    private static final long serialVersionUID = 1L;

    private final int k;
    private final long allowedLatenessMillis;
    private transient MapState<String, GroupWindow> groups;
    private transient ValueState<Boolean> emitted;
    private transient Counter mergedGroups;
    private transient Counter otherSuppressed;

    public KAnonymityFunction(int k, long allowedLatenessMillis) {
        this.k = k;
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    /** Whether a group is emitted under its own name: k or more distinct users (and not named {@code _other}). */
    private boolean named(GroupWindow g) {
        return keepsItsName(g.group, g.distinctUsers, k);
    }

    /**
     * The rule of {@link #named}, for those that prepare a group before it gets here: only a group
     * that does not keep its name may be merged into {@code _other}, which needs its users.
     */
    static boolean keepsItsName(String group, int distinctUsers, int k) {
        return distinctUsers >= k && !PrescaleConfig.OTHER_GROUP.equals(group);
    }

    @Override
    public void open(OpenContext openContext) {
        groups = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("groups", Types.STRING, TypeInformation.of(GroupWindow.class)));
        emitted = getRuntimeContext().getState(new ValueStateDescriptor<>("emitted", Types.BOOLEAN));
        mergedGroups = getRuntimeContext().getMetricGroup().counter("groupsMergedIntoOther");
        otherSuppressed = getRuntimeContext().getMetricGroup().counter("otherSuppressedBelowK");
    }

    @Override
    public void processElement(GroupWindow w, Context ctx, Collector<GroupWindow> out) throws Exception {
        if (allowedLatenessMillis == 0 && named(w)) {
            out.collect(copyWithoutUsers(w, false)); // final: its window fires only once
            return;
        }
        groups.put(w.group, w);
        long fireAt = w.windowEnd - 1;
        if (Boolean.TRUE.equals(emitted.value())) {
            // A late re-firing: the window's groups were already emitted; send the corrected set.
            emit(true, out);
        } else {
            ctx.timerService().registerEventTimeTimer(fireAt);
            ctx.timerService().registerEventTimeTimer(w.windowEnd + allowedLatenessMillis);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<GroupWindow> out) throws Exception {
        long windowEnd = ctx.getCurrentKey();
        if (timestamp == windowEnd - 1) {
            emit(false, out);
            emitted.update(true);
        } else {
            groups.clear();
            emitted.clear();
        }
    }

    private void emit(boolean update, Collector<GroupWindow> out) throws Exception {
        List<GroupWindow> kept = new ArrayList<>();
        List<GroupWindow> small = new ArrayList<>();
        Set<String> otherUsers = new HashSet<>();
        for (Map.Entry<String, GroupWindow> e : groups.entries()) {
            GroupWindow g = e.getValue();
            if (named(g)) {
                kept.add(g);
            } else {
                small.add(g);
                addUsers(otherUsers, g);
            }
        }
        for (GroupWindow g : kept) {
            out.collect(copyWithoutUsers(g, update));
        }
        if (!small.isEmpty() && otherUsers.size() >= k) {
            GroupWindow other = copyWithoutUsers(small.get(0), update);
            other.group = PrescaleConfig.OTHER_GROUP;
            for (GroupWindow g : small.subList(1, small.size())) {
                other.add(g);
            }
            other.distinctUsers = otherUsers.size();
            if (!update) {
                mergedGroups.inc(small.size());
            }
            out.collect(other);
            return;
        }
        if (!small.isEmpty() && !update) {
            otherSuppressed.inc();
        }
        if (update) {
            // No _other now: an earlier emission of it for this window must be zeroed.
            GroupWindow any = groups.values().iterator().next();
            GroupWindow zero = new GroupWindow();
            zero.group = PrescaleConfig.OTHER_GROUP;
            zero.windowStart = any.windowStart;
            zero.windowEnd = any.windowEnd;
            zero.update = true;
            zero.sourceGroups = 0;
            out.collect(zero);
        }
    }

    private static void addUsers(Set<String> users, GroupWindow g) {
        if (g.users != null) {
            users.addAll(java.util.Arrays.asList(g.users));
        }
    }

    private static GroupWindow copyWithoutUsers(GroupWindow g, boolean update) {
        GroupWindow c = new GroupWindow();
        c.group = g.group;
        c.windowStart = g.windowStart;
        c.windowEnd = g.windowEnd;
        c.add(g);
        c.sourceGroups = g.sourceGroups;
        c.distinctUsers = g.distinctUsers;
        c.users = null;
        c.update = update;
        return c;
    }
}
