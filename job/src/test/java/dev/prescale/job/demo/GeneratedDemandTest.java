package dev.prescale.job.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ResourceType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedDemandTest {

    private static final long HOUR = 3_600_000L;
    private static final long MONDAY = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private final InteractionFactory factory = new InteractionFactory(50, 100);

    private GeneratedDemand demand(long seed) {
        return new GeneratedDemand(GroupProfile.builtIns(), MONDAY, 14, 20, seed, factory);
    }

    private static GroupProfile group(String name) {
        return GroupProfile.builtIns().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void dailyCyclePeaksAtTheGroupsPeakHour() {
        GeneratedDemand d = demand(1);
        GroupProfile web = group("web");
        double peak = d.baseRate(web, MONDAY + 19 * HOUR);
        double trough = d.baseRate(web, MONDAY + 7 * HOUR);
        assertThat(peak).isGreaterThan(2.5 * trough);
    }

    @Test
    void weekendsScaleTraffic() {
        GeneratedDemand d = demand(1);
        GroupProfile api = group("api");
        // Same hour of the day, Friday vs Saturday: the B2B API is quieter at weekends.
        double friday = averageOverHour(d, api, MONDAY + 4 * 24 * HOUR + 13 * HOUR);
        double saturday = averageOverHour(d, api, MONDAY + 5 * 24 * HOUR + 13 * HOUR);
        assertThat(saturday / friday).isBetween(0.25, 0.6);
    }

    @Test
    void sameSeedSameTrafficOtherSeedOtherTraffic() {
        GroupProfile web = group("web");
        long t = MONDAY + 30 * HOUR + 123_456;
        assertThat(demand(7).eventsPerMinute(web, t)).isEqualTo(demand(7).eventsPerMinute(web, t));
        assertThat(demand(7).bursts()).isEqualTo(demand(7).bursts());
        assertThat(demand(7).baseRate(web, t)).isNotEqualTo(demand(8).baseRate(web, t));
    }

    @Test
    void burstsRaiseTheRateAndAnnouncedOnesArePublishedAhead() {
        GeneratedDemand d = demand(3);
        assertThat(d.bursts()).isNotEmpty();
        for (Burst b : d.bursts()) {
            GroupProfile g = group(b.group());
            long mid = (b.startMillis() + b.endMillis()) / 2;
            assertThat(d.eventsPerMinute(g, mid)).isGreaterThan(1.7 * d.baseRate(g, mid));
        }
        List<Burst> announced = d.bursts().stream().filter(Burst::announced).toList();
        assertThat(d.announcements()).hasSize(announced.size());
        for (Announcement a : d.announcements()) {
            assertThat(a.publishAtMillis()).isLessThan(a.event().start);
            assertThat(a.event().extra.get(ResourceType.CPU)).isPositive();
        }
    }

    @Test
    void meanRateIsNearTheRequestedRate() {
        GeneratedDemand d = new GeneratedDemand(List.of(GroupProfile.neutral("flat", 1.0)), MONDAY, 2, 20, 1, factory);
        assertThat(d.eventsPerMinute(d.groups().get(0), MONDAY + 5 * HOUR)).isEqualTo(20.0);
    }

    private static double averageOverHour(GeneratedDemand d, GroupProfile g, long from) {
        double sum = 0;
        for (int m = 0; m < 60; m++) {
            sum += d.baseRate(g, from + m * 60_000L);
        }
        return sum / 60;
    }
}
