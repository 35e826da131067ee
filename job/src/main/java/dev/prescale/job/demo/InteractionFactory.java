package dev.prescale.job.demo;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.connectors.records.ResourceType;
import java.util.EnumMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Makes single interactions with plausible resource use for a group's mix of kinds, and says what
 * demand a given rate of them amounts to (used to size the extra demand of announced bursts).
 *
 * <p>Each event may stand for {@code scale} real requests: CPU time, duration and bytes are
 * multiplied by it, so that a modest event rate still describes a group that needs several
 * instances.
 */
public final class InteractionFactory {

    /** Mean resource use of one interaction of a kind. */
    private record KindProfile(double cpuMillis, double durationPerCpu, double memMb, double bytesRead,
                               double bytesWritten, double writeShare, double netBytes, String[] names) {}

    // Log-normal spread of every amount: heavy enough to look real, small enough to keep means stable.
    private static final double SIGMA = 0.5;

    private static final KindProfile API = new KindProfile(40, 2.0, 64, 2_048, 0, 0, 8_192,
            new String[] {"GET /items", "POST /cart", "GET /search", "POST /checkout"});
    private static final KindProfile DATA = new KindProfile(15, 4.0, 256, 262_144, 32_768, 0.3, 131_072,
            new String[] {"scan orders", "read profile", "write report", "export"});
    private static final KindProfile UI = new KindProfile(5, 1.5, 16, 0, 0, 0, 49_152,
            new String[] {"view home", "view item", "click", "scroll"});

    private final double scale;
    private final int usersPerGroup;

    public InteractionFactory(double scale, int usersPerGroup) {
        if (scale <= 0 || usersPerGroup <= 0) {
            throw new IllegalArgumentException("scale and users per group must be positive");
        }
        this.scale = scale;
        this.usersPerGroup = usersPerGroup;
    }

    /** One interaction of {@code group} at event time {@code ts}. */
    public Interaction create(GroupProfile group, long ts, RandomGenerator random) {
        double u = random.nextDouble();
        Interaction.Kind kind = u < group.apiShare() ? Interaction.Kind.API_CALL
                : u < group.apiShare() + group.dataShare() ? Interaction.Kind.DATA_ACCESS : Interaction.Kind.UI;
        KindProfile p = profile(kind);
        Interaction e = new Interaction(ts, "user-" + group.name() + "-" + random.nextInt(usersPerGroup), group.name(), kind);
        e.name = p.names()[random.nextInt(p.names().length)];
        double cpu = logNormal(p.cpuMillis(), random);
        e.cpuMillis = round(cpu * scale);
        e.durationMs = round(cpu * p.durationPerCpu() * scale);
        e.memMb = round(logNormal(p.memMb(), random));
        if (p.bytesRead() > 0) {
            e.bytesRead = (double) Math.round(logNormal(p.bytesRead(), random) * scale);
        }
        if (p.writeShare() > 0 && random.nextDouble() < p.writeShare()) {
            e.bytesWritten = (double) Math.round(logNormal(p.bytesWritten(), random) * scale);
        }
        e.netBytes = (double) Math.round(logNormal(p.netBytes(), random) * scale);
        return e;
    }

    /**
     * The demand that {@code eventsPerMinute} interactions of {@code group} cause on average, in
     * the units of DESIGN.md: CPU cores, memory MB held, network bytes/s (storage is a level, left out).
     */
    public Map<ResourceType, Double> expectedDemand(GroupProfile group, double eventsPerMinute) {
        double perSecond = eventsPerMinute / 60.0;
        double ui = 1 - group.apiShare() - group.dataShare();
        double cpu = 0;
        double memory = 0;
        double network = 0;
        double[] shares = {group.apiShare(), group.dataShare(), ui};
        KindProfile[] kinds = {API, DATA, UI};
        for (int i = 0; i < kinds.length; i++) {
            KindProfile p = kinds[i];
            cpu += shares[i] * p.cpuMillis() * scale;
            memory += shares[i] * p.memMb() * p.cpuMillis() * p.durationPerCpu() * scale;
            network += shares[i] * p.netBytes() * scale;
        }
        Map<ResourceType, Double> demand = new EnumMap<>(ResourceType.class);
        demand.put(ResourceType.CPU, perSecond * cpu / 1000.0);
        demand.put(ResourceType.MEMORY, perSecond * memory / 1000.0);
        demand.put(ResourceType.NETWORK, perSecond * network);
        return demand;
    }

    private static KindProfile profile(Interaction.Kind kind) {
        return switch (kind) {
            case API_CALL -> API;
            case DATA_ACCESS -> DATA;
            case UI -> UI;
        };
    }

    /** A log-normal draw with the given mean. */
    private static double logNormal(double mean, RandomGenerator random) {
        return mean * Math.exp(SIGMA * random.nextGaussian() - SIGMA * SIGMA / 2);
    }

    private static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
