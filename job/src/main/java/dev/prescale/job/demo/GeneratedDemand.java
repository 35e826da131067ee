package dev.prescale.job.demo;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in traffic: per group a daily cycle, a weekly cycle, slow random drift and bursts, all
 * determined by a seed so that a run can be repeated. Half of the bursts (on average) are announced
 * on {@code scheduled-events} some hours before they start.
 */
public final class GeneratedDemand implements DemandSource {

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    /** The drift changes smoothly between random points this far apart. */
    private static final long DRIFT_KNOT = 30 * 60_000L;
    /** How far ahead of its start an announced burst is published. */
    static final long ANNOUNCE_LEAD = 6 * HOUR;

    private final List<GroupProfile> groups;
    private final long start;
    private final long end;
    private final double eventsPerMinute;
    private final long seed;
    private final List<Burst> bursts;
    private final List<Announcement> announcements;

    /**
     * @param groups the groups to simulate
     * @param start first simulated instant (epoch ms)
     * @param days simulated days (bursts are drawn for this range; traffic ends after it)
     * @param eventsPerMinute mean interactions per simulated minute of a group of weight 1
     * @param seed the seed of every random choice
     * @param factory sizes the extra demand of announced bursts
     */
    public GeneratedDemand(List<GroupProfile> groups, long start, double days, double eventsPerMinute, long seed,
                           InteractionFactory factory) {
        if (groups.isEmpty() || days <= 0 || eventsPerMinute <= 0) {
            throw new IllegalArgumentException("need at least one group, positive days and a positive rate");
        }
        this.groups = List.copyOf(groups);
        this.start = start;
        this.end = start + Math.round(days * DAY);
        this.eventsPerMinute = eventsPerMinute;
        this.seed = seed;
        this.bursts = drawBursts();
        this.announcements = announce(factory);
    }

    @Override
    public List<GroupProfile> groups() {
        return groups;
    }

    @Override
    public long startMillis() {
        return start;
    }

    @Override
    public long endMillis() {
        return end;
    }

    /** Every burst, announced or not (for tests and for the demo's own report). */
    public List<Burst> bursts() {
        return bursts;
    }

    @Override
    public List<Announcement> announcements() {
        return announcements;
    }

    @Override
    public double eventsPerMinute(GroupProfile g, long t) {
        return baseRate(g, t) * burstFactor(g, t);
    }

    /** The rate without bursts: daily and weekly cycles and drift. */
    double baseRate(GroupProfile g, long t) {
        double hour = Math.floorMod(t, DAY) / (double) HOUR;
        double daily = 1 + g.dailyAmplitude() * Math.cos(2 * Math.PI * (hour - g.peakHourUtc()) / 24.0);
        DayOfWeek dow = Instant.ofEpochMilli(t).atOffset(ZoneOffset.UTC).getDayOfWeek();
        double weekly = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? g.weekendFactor() : 1.0;
        return eventsPerMinute * g.weight() * daily * weekly * drift(g, t);
    }

    private double burstFactor(GroupProfile g, long t) {
        double f = 1;
        for (Burst b : bursts) {
            if (b.covers(t) && b.group().equals(g.name())) {
                f *= b.factor();
            }
        }
        return f;
    }

    /** exp of a smoothly interpolated Gaussian walk: mean close to 1, deviation about {@code noise}. */
    private double drift(GroupProfile g, long t) {
        if (g.noise() == 0) {
            return 1;
        }
        long k = Math.floorDiv(t, DRIFT_KNOT);
        double frac = (t - k * DRIFT_KNOT) / (double) DRIFT_KNOT;
        double a = knot(g, k);
        double b = knot(g, k + 1);
        double smooth = frac * frac * (3 - 2 * frac);
        double z = a + (b - a) * smooth;
        return Math.exp(g.noise() * z - g.noise() * g.noise() / 2);
    }

    private double knot(GroupProfile g, long k) {
        return new SplittableRandom(mix(seed, g.name().hashCode(), k)).nextGaussian();
    }

    private List<Burst> drawBursts() {
        List<Burst> out = new ArrayList<>();
        for (GroupProfile g : groups) {
            SplittableRandom r = new SplittableRandom(mix(seed, g.name().hashCode(), -1));
            int n = 0;
            for (long day = Math.floorDiv(start, DAY) * DAY; day < end; day += DAY) {
                // Poisson number of bursts this day (Knuth; burstsPerDay is small).
                double limit = Math.exp(-g.burstsPerDay());
                double p = r.nextDouble();
                while (p > limit) {
                    long s = day + Math.round(r.nextDouble() * 22 * HOUR);
                    long len = HOUR + Math.round(r.nextDouble() * 2 * HOUR);
                    double factor = 1.8 + r.nextDouble() * 1.7;
                    if (s >= start && s + len <= end) {
                        out.add(new Burst(g.name() + "-burst-" + (++n), g.name(), s, s + len, factor, r.nextBoolean()));
                    }
                    p *= r.nextDouble();
                }
            }
        }
        out.sort(Comparator.comparingLong(Burst::startMillis));
        return List.copyOf(out);
    }

    private List<Announcement> announce(InteractionFactory factory) {
        List<Announcement> out = new ArrayList<>();
        for (Burst b : bursts) {
            if (!b.announced()) {
                continue;
            }
            GroupProfile g = groups.stream().filter(x -> x.name().equals(b.group())).findFirst().orElseThrow();
            // The planner knows the campaign's size: the extra rate at the burst's midpoint.
            long mid = (b.startMillis() + b.endMillis()) / 2;
            double extraRate = baseRate(g, mid) * (b.factor() - 1);
            Map<ResourceType, Double> extra = factory.expectedDemand(g, extraRate);
            ScheduledEvent e = new ScheduledEvent(b.id(), b.group(), b.startMillis(), b.endMillis(), extra);
            out.add(new Announcement(Math.max(start, b.startMillis() - ANNOUNCE_LEAD), e));
        }
        out.sort(Comparator.comparingLong(Announcement::publishAtMillis));
        return List.copyOf(out);
    }

    private static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= a + 0x632BE59BD9B4E019L + (h << 6) + (h >>> 2);
        h ^= b * 0xBF58476D1CE4E5B9L + (h << 6) + (h >>> 2);
        return h;
    }
}
