package dev.prescale.job.demo;

import dev.prescale.models.trace.Trace;
import java.util.Arrays;
import java.util.List;

/**
 * Traffic that follows a real demand trace: at simulated time t each group's rate is the trace's
 * value of the step containing t, relative to the trace's mean, times the mean rate and the group's
 * weight. Simulated time is the trace's own time, so daily and weekly patterns stay where they were.
 */
public final class TraceDemand implements DemandSource {

    private final Trace trace;
    private final List<GroupProfile> groups;
    private final double eventsPerMinute;
    private final double mean;
    private final List<Announcement> announcements;

    /**
     * @param trace the demand series
     * @param groups the groups; each follows the whole trace scaled by its weight
     * @param eventsPerMinute interactions per simulated minute at the trace's mean value (weight 1)
     * @param announcements scheduled events to publish (e.g. the known events of the trace)
     */
    public TraceDemand(Trace trace, List<GroupProfile> groups, double eventsPerMinute, List<Announcement> announcements) {
        if (trace.size() == 0) {
            throw new IllegalArgumentException("trace " + trace.name() + " has no values");
        }
        if (groups.isEmpty() || eventsPerMinute <= 0) {
            throw new IllegalArgumentException("need at least one group and a positive rate");
        }
        this.trace = trace;
        this.groups = List.copyOf(groups);
        this.eventsPerMinute = eventsPerMinute;
        this.mean = Arrays.stream(trace.values()).map(v -> Math.max(0, v)).average().orElse(0);
        if (!(mean > 0)) {
            throw new IllegalArgumentException("trace " + trace.name() + " has no positive values");
        }
        this.announcements = List.copyOf(announcements);
    }

    @Override
    public List<GroupProfile> groups() {
        return groups;
    }

    @Override
    public long startMillis() {
        return trace.timesMillis()[0];
    }

    @Override
    public long endMillis() {
        return trace.timesMillis()[trace.size() - 1] + trace.stepMillis();
    }

    @Override
    public double eventsPerMinute(GroupProfile group, long t) {
        long[] times = trace.timesMillis();
        int i = Arrays.binarySearch(times, t);
        if (i < 0) {
            i = -i - 2; // the step that started last before t
        }
        if (i < 0 || t >= endMillis()) {
            return 0;
        }
        return Math.max(0, trace.values()[i]) / mean * eventsPerMinute * group.weight();
    }

    @Override
    public List<Announcement> announcements() {
        return announcements;
    }
}
