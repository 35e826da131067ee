package dev.prescale.job.demo;

import java.util.List;

/** Where simulated traffic comes from: groups, a simulated time range, and a rate per group and time. */
public interface DemandSource {

    /** The groups, each with the profile that sets its interaction mix. */
    List<GroupProfile> groups();

    /** First simulated instant (epoch ms). */
    long startMillis();

    /** End of the simulated range (exclusive, epoch ms); {@code Long.MAX_VALUE} for an endless source. */
    long endMillis();

    /** Expected interactions per simulated minute for {@code group} at simulated time {@code t}. */
    double eventsPerMinute(GroupProfile group, long t);

    /** Scheduled events to publish as simulated time passes, ordered by publish time. */
    List<Announcement> announcements();
}
