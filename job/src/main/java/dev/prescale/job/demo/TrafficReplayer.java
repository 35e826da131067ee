package dev.prescale.job.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prescale.connectors.json.Json;
import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ResourceType;
import dev.prescale.connectors.records.ScheduledEvent;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Plays a {@link DemandSource} into an {@link EventSink}: simulated time advances in slices; for
 * each slice every group gets a Poisson number of interactions with event times spread over the
 * slice (in order), scheduled events are published once their publish time is reached, and the
 * replay waits for the wall clock so that simulated time runs {@code speedup} times faster.
 */
public final class TrafficReplayer {

    /** What to replay and how fast. */
    public record Settings(String interactionsTopic, String scheduledEventsTopic, long sliceMillis, double speedup,
                           long maxWallMillis, long seed, long progressEveryMillis, long warmupMillis, double warmupSpeedup) {
        public Settings {
            if (sliceMillis <= 0 || warmupMillis < 0) {
                throw new IllegalArgumentException("slice must be positive and warm-up not negative");
            }
        }

        /** Settings without a warm-up phase. */
        public Settings(String interactionsTopic, String scheduledEventsTopic, long sliceMillis, double speedup,
                        long maxWallMillis, long seed, long progressEveryMillis) {
            this(interactionsTopic, scheduledEventsTopic, sliceMillis, speedup, maxWallMillis, seed, progressEveryMillis, 0, 0);
        }
    }

    /** Waits; a test replaces it with one that advances a fake clock. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** Counters reported as the replay goes and returned at its end. */
    public record Stats(long simMillis, long interactions, long scheduledEvents, long wallMillis, long behindMillis) {}

    private final DemandSource source;
    private final InteractionFactory factory;
    private final EventSink sink;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<Stats> progress;
    private volatile boolean stopRequested;

    public TrafficReplayer(DemandSource source, InteractionFactory factory, EventSink sink, Settings settings,
                           Clock clock, Sleeper sleeper, Consumer<Stats> progress) {
        this.source = source;
        this.factory = factory;
        this.sink = sink;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
    }

    /** Asks a running replay to end after its current slice. */
    public void stop() {
        stopRequested = true;
    }

    /** Replays until the source ends, the wall-time limit passes, or {@link #stop()} is called. */
    public Stats run() throws InterruptedException {
        SplittableRandom random = new SplittableRandom(settings.seed());
        long wallStart = clock.millis();
        // The first warmupMillis of simulated time (history for the forecaster) may run at another speed.
        long warmupEnd = source.startMillis() + settings.warmupMillis();
        boolean warming = settings.warmupMillis() > 0;
        ReplayPacer pacer = new ReplayPacer(source.startMillis(), wallStart, warming ? settings.warmupSpeedup() : settings.speedup());
        List<Announcement> announcements = source.announcements();
        int nextAnnouncement = 0;
        long interactions = 0;
        long scheduled = 0;
        long behind = 0;
        long lastReport = wallStart;
        long sim = source.startMillis();
        while (sim < source.endMillis() && !stopRequested) {
            if (warming && sim >= warmupEnd) {
                warming = false;
                pacer = new ReplayPacer(sim, clock.millis(), settings.speedup());
            }
            long sliceEnd = Math.min(source.endMillis(), sim + settings.sliceMillis());
            // Announcements first: a planned event is known before the traffic it describes.
            while (nextAnnouncement < announcements.size() && announcements.get(nextAnnouncement).publishAtMillis() < sliceEnd) {
                ScheduledEvent e = announcements.get(nextAnnouncement++).event();
                sink.send(settings.scheduledEventsTopic(), e.group, scheduledEventJson(e));
                scheduled++;
            }
            for (GroupProfile g : source.groups()) {
                double expected = source.eventsPerMinute(g, (sim + sliceEnd) / 2) * (sliceEnd - sim) / 60_000.0;
                int n = poisson(expected, random);
                long[] times = new long[n];
                for (int i = 0; i < n; i++) {
                    times[i] = sim + (long) (random.nextDouble() * (sliceEnd - sim));
                }
                Arrays.sort(times);
                for (long t : times) {
                    Interaction e = factory.create(g, t, random);
                    sink.send(settings.interactionsTopic(), g.name(), Json.write(e));
                }
                interactions += n;
            }
            sim = sliceEnd;
            long now = clock.millis();
            long due = pacer.wallMillisFor(sim);
            if (pacer.paced() && due > now) {
                sleeper.sleep(due - now);
                now = clock.millis();
            }
            behind = pacer.paced() ? Math.max(0, now - due) : 0;
            if (now - lastReport >= settings.progressEveryMillis()) {
                progress.accept(new Stats(sim, interactions, scheduled, now - wallStart, behind));
                lastReport = now;
            }
            if (settings.maxWallMillis() > 0 && now - wallStart >= settings.maxWallMillis()) {
                break;
            }
        }
        sink.flush();
        Stats done = new Stats(sim, interactions, scheduled, clock.millis() - wallStart, behind);
        progress.accept(done);
        return done;
    }

    /** The {@code scheduled-events} JSON of DESIGN.md, with lower-case resource names. */
    static String scheduledEventJson(ScheduledEvent e) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("id", e.id);
        root.put("group", e.group);
        root.put("start", e.start);
        root.put("end", e.end);
        ObjectNode extra = root.putObject("extra");
        for (Map.Entry<ResourceType, Double> x : e.extra.entrySet()) {
            extra.put(x.getKey().jsonName(), x.getValue());
        }
        return root.toString();
    }

    /** A Poisson draw: exact for small means, normal approximation for large ones. */
    static int poisson(double mean, SplittableRandom random) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 50) {
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double p = random.nextDouble();
        int k = 0;
        while (p > limit) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }
}
