package dev.prescale.job.demo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The command line of {@link InteractionProducerMain}, parsed and checked. */
public final class ProducerOptions {

    public String bootstrap = "127.0.0.1:9092";
    public String topic = "interactions";
    public String scheduledTopic = "scheduled-events";
    public Path trace;
    public String column = "value";
    public long intervalSeconds = 300;
    public Path scheduledEvents;
    public double announceLeadHours = 6;
    /** {@code name[:weight]} entries; empty means the built-in groups (generator) or one group "trace". */
    public List<String> groups = new ArrayList<>();
    public double eventsPerMinute = 20;
    public double scale = 200;
    public double speedup = 1800;
    public double days = 14;
    /** Null: the start of the current UTC day minus 7 days (generator) or the trace's own start. */
    public Instant start;
    public long durationSeconds;
    public long sliceSeconds = 60;
    public long seed = 42;
    public int users = 500;
    public double progressSeconds = 2;
    public boolean stdout;
    public double warmupDays;
    public double warmupSpeedup;

    /** Usage text. */
    public static final String USAGE = String.join("\n",
            "usage: produce.sh [options]",
            "  --bootstrap HOST:PORT       Kafka (default 127.0.0.1:9092)",
            "  --topic NAME                interactions topic (default interactions)",
            "  --scheduled-topic NAME      scheduled-events topic (default scheduled-events)",
            "  --trace FILE                replay a trace CSV (EVALUATION.md format) instead of the generator",
            "  --column NAME               value column of the trace (default value)",
            "  --interval-seconds N        step of a trace without time column (default 300)",
            "  --scheduled-events FILE     CSV id,group,start,end,cpu,memory,storage,network to publish",
            "  --announce-lead-hours H     publish scheduled events this long before they start (default 6)",
            "  --groups a[:w],b[:w]        groups and weights (default web,api,reports; one group 'trace' with --trace)",
            "  --events-per-minute N       mean interactions per simulated minute at weight 1 (default 20)",
            "  --scale N                   real requests each event stands for (default 200)",
            "  --speedup N                 simulated seconds per wall second; 0 = as fast as possible (default 1800)",
            "  --days N                    simulated days of generated traffic (default 14)",
            "  --start ISO-INSTANT         simulated start of generated traffic (default today 00:00 UTC - 7 days)",
            "  --duration SECONDS          stop after this much wall time (default: when the traffic ends)",
            "  --slice-seconds N           simulated seconds per batch (default 60)",
            "  --seed N                    random seed (default 42)",
            "  --users N                   distinct users per group (default 500)",
            "  --progress-seconds N        progress line interval (default 2)",
            "  --warmup-days D             replay the first D simulated days at --warmup-speedup (default 0)",
            "  --warmup-speedup N          speed-up of the warm-up; 0 = as fast as possible (default 0)",
            "  --stdout                    print JSON lines (topic<TAB>json) instead of sending to Kafka");

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a readable message. */
    public static ProducerOptions parse(String[] args) {
        ProducerOptions o = new ProducerOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--stdout" -> o.stdout = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("missing value after " + a + "\n" + USAGE);
                    }
                    String v = args[++i];
                    try {
                        o.set(a, v);
                    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
                        throw new IllegalArgumentException("bad value for " + a + ": " + v);
                    }
                }
            }
        }
        o.check();
        return o;
    }

    private void set(String name, String v) {
        switch (name) {
            case "--bootstrap" -> bootstrap = v;
            case "--topic" -> topic = v;
            case "--scheduled-topic" -> scheduledTopic = v;
            case "--trace" -> trace = Path.of(v);
            case "--column" -> column = v;
            case "--interval-seconds" -> intervalSeconds = Long.parseLong(v);
            case "--scheduled-events" -> scheduledEvents = Path.of(v);
            case "--announce-lead-hours" -> announceLeadHours = Double.parseDouble(v);
            case "--groups" -> groups = List.of(v.split(","));
            case "--events-per-minute" -> eventsPerMinute = Double.parseDouble(v);
            case "--scale" -> scale = Double.parseDouble(v);
            case "--speedup" -> speedup = Double.parseDouble(v);
            case "--days" -> days = Double.parseDouble(v);
            case "--start" -> start = Instant.parse(v);
            case "--duration" -> durationSeconds = Long.parseLong(v);
            case "--slice-seconds" -> sliceSeconds = Long.parseLong(v);
            case "--seed" -> seed = Long.parseLong(v);
            case "--users" -> users = Integer.parseInt(v);
            case "--warmup-days" -> warmupDays = Double.parseDouble(v);
            case "--warmup-speedup" -> warmupSpeedup = Double.parseDouble(v);
            case "--progress-seconds" -> progressSeconds = Double.parseDouble(v);
            default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
        }
    }

    private void check() {
        if (eventsPerMinute <= 0 || scale <= 0 || days <= 0 || sliceSeconds <= 0 || users <= 0 || intervalSeconds <= 0) {
            throw new IllegalArgumentException("--events-per-minute, --scale, --days, --slice-seconds, --users and --interval-seconds must be positive");
        }
        if (durationSeconds < 0 || announceLeadHours < 0 || warmupDays < 0) {
            throw new IllegalArgumentException("--duration and --announce-lead-hours and --warmup-days must not be negative");
        }
    }

    /** The groups: names with weights, profiles from the built-ins (cycled for unknown names). */
    public List<GroupProfile> groupProfiles(boolean fromTrace) {
        List<String> entries = groups.isEmpty()
                ? (fromTrace ? List.of("trace") : GroupProfile.builtIns().stream().map(GroupProfile::name).toList())
                : groups;
        List<GroupProfile> builtIns = GroupProfile.builtIns();
        List<GroupProfile> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String[] nw = entries.get(i).trim().split(":", 2);
            String name = nw[0].trim();
            GroupProfile base;
            if (fromTrace) {
                base = GroupProfile.neutral(name, 1.0);
            } else {
                base = builtIns.stream().filter(b -> b.name().equals(name)).findFirst()
                        .orElse(builtIns.get(i % builtIns.size())).named(name);
            }
            if (nw.length == 2) {
                double w = Double.parseDouble(nw[1]);
                base = new GroupProfile(name, w, base.peakHourUtc(), base.dailyAmplitude(), base.weekendFactor(),
                        base.noise(), base.apiShare(), base.dataShare(), base.burstsPerDay());
            }
            out.add(base);
        }
        return out;
    }
}
