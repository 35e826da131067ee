package dev.prescale.job.demo;

import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Produces interaction events (and scheduled events) to Kafka from the built-in generator or a
 * trace, at a chosen speed-up, with a progress line. Run it with {@code scripts/produce.sh}.
 */
public final class InteractionProducerMain {

    private static final DateTimeFormatter SIM_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC' EEE", Locale.ROOT).withZone(ZoneOffset.UTC);

    private InteractionProducerMain() {}

    public static void main(String[] args) throws Exception {
        ProducerOptions o;
        try {
            o = ProducerOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        InteractionFactory factory = new InteractionFactory(o.scale, o.users);
        DemandSource source = source(o, factory);
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "[produce] %d group(s) %s, %s to %s, speed-up %s, to %s%n",
                source.groups().size(), source.groups().stream().map(GroupProfile::name).toList(),
                SIM_TIME.format(Instant.ofEpochMilli(source.startMillis())),
                SIM_TIME.format(Instant.ofEpochMilli(source.endMillis())),
                o.speedup > 0 ? (long) o.speedup + "x" : "max",
                o.stdout ? "stdout" : o.bootstrap + " (" + o.topic + ", " + o.scheduledTopic + ")");
        try (EventSink sink = o.stdout ? new StdoutSink(System.out) : new KafkaEventSink(o.bootstrap)) {
            TrafficReplayer.Settings settings = new TrafficReplayer.Settings(o.topic, o.scheduledTopic,
                    o.sliceSeconds * 1000, o.speedup, o.durationSeconds * 1000, o.seed, Math.round(o.progressSeconds * 1000),
                    Math.round(o.warmupDays * 86_400_000L), o.warmupSpeedup);
            TrafficReplayer replayer = new TrafficReplayer(source, factory, sink, settings, Clock.systemUTC(),
                    Thread::sleep, s -> err.println(progressLine(s)));
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                replayer.stop();
                try {
                    main.join(5_000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
            TrafficReplayer.Stats done = replayer.run();
            err.printf(Locale.ROOT, "[produce] done: %,d interactions, %d scheduled events in %.1f s%n",
                    done.interactions(), done.scheduledEvents(), done.wallMillis() / 1000.0);
        } catch (RuntimeException e) {
            err.println("[produce] ERROR: " + e.getMessage());
            System.exit(1);
        }
    }

    static DemandSource source(ProducerOptions o, InteractionFactory factory) throws java.io.IOException {
        long lead = Math.round(o.announceLeadHours * 3_600_000L);
        if (o.trace != null) {
            Trace trace = new TraceReader().column(o.column).intervalSeconds(o.intervalSeconds).read(o.trace);
            List<Announcement> ann = o.scheduledEvents == null ? List.of()
                    : ScheduledEventsCsv.read(o.scheduledEvents, lead, trace.timesMillis().length > 0 ? trace.timesMillis()[0] : 0);
            return new TraceDemand(trace, o.groupProfiles(true), o.eventsPerMinute, ann);
        }
        Instant start = o.start != null ? o.start
                : Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(7));
        GeneratedDemand generated = new GeneratedDemand(o.groupProfiles(false), start.toEpochMilli(), o.days,
                o.eventsPerMinute, o.seed, factory);
        if (o.scheduledEvents == null) {
            return generated;
        }
        List<Announcement> extra = ScheduledEventsCsv.read(o.scheduledEvents, lead, start.toEpochMilli());
        List<Announcement> all = new java.util.ArrayList<>(generated.announcements());
        all.addAll(extra);
        all.sort((a, b) -> Long.compare(a.publishAtMillis(), b.publishAtMillis()));
        return new DemandSource() {
            @Override public List<GroupProfile> groups() { return generated.groups(); }
            @Override public long startMillis() { return generated.startMillis(); }
            @Override public long endMillis() { return generated.endMillis(); }
            @Override public double eventsPerMinute(GroupProfile g, long t) { return generated.eventsPerMinute(g, t); }
            @Override public List<Announcement> announcements() { return all; }
        };
    }

    static String progressLine(TrafficReplayer.Stats s) {
        double rate = s.wallMillis() > 0 ? s.interactions() * 1000.0 / s.wallMillis() : 0;
        return String.format(Locale.ROOT, "[produce] sim %s | %,d interactions | %d scheduled events | %,.0f/s%s",
                SIM_TIME.format(Instant.ofEpochMilli(s.simMillis())), s.interactions(), s.scheduledEvents(), rate,
                s.behindMillis() > 1000 ? String.format(Locale.ROOT, " | %.1f s behind the requested speed", s.behindMillis() / 1000.0) : "");
    }

    /** Prints records as {@code topic<TAB>json} lines. */
    private static final class StdoutSink implements EventSink {
        private final PrintStream out;

        StdoutSink(PrintStream out) {
            this.out = out;
        }

        @Override
        public void send(String topic, String key, String value) {
            out.print(topic);
            out.print('\t');
            out.println(value);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
