package dev.prescale.job.demo;

import java.util.List;

/**
 * How one simulated user group behaves: its mean traffic, when in the day it peaks, how weekends
 * differ, how noisy it is, and which kinds of interaction it makes.
 *
 * @param name the group name (also the Auto Scaling group the demo config maps it to)
 * @param weight mean traffic relative to the producer's {@code --events-per-minute}
 * @param peakHourUtc hour of the day (UTC, may be fractional) at which the daily cycle peaks
 * @param dailyAmplitude 0 = flat, 0.9 = the trough is a tenth of the peak region
 * @param weekendFactor traffic multiplier on Saturdays and Sundays
 * @param noise standard deviation of the slow multiplicative noise (0.1 = 10 %)
 * @param apiShare share of API_CALL interactions
 * @param dataShare share of DATA_ACCESS interactions (the rest are UI)
 * @param burstsPerDay expected number of bursts (campaigns, batch runs) per simulated day
 */
public record GroupProfile(
        String name,
        double weight,
        double peakHourUtc,
        double dailyAmplitude,
        double weekendFactor,
        double noise,
        double apiShare,
        double dataShare,
        double burstsPerDay) {

    public GroupProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("group name must not be blank");
        }
        if (weight <= 0 || dailyAmplitude < 0 || dailyAmplitude >= 1 || weekendFactor <= 0 || noise < 0
                || apiShare < 0 || dataShare < 0 || apiShare + dataShare > 1 || burstsPerDay < 0) {
            throw new IllegalArgumentException("invalid group profile " + name);
        }
    }

    /** The same behaviour under another name. */
    public GroupProfile named(String newName) {
        return new GroupProfile(newName, weight, peakHourUtc, dailyAmplitude, weekendFactor, noise, apiShare, dataShare, burstsPerDay);
    }

    /**
     * Three contrasting groups: a storefront that peaks in the evening and on weekends, a B2B API
     * busy in office hours on weekdays, and a nightly reporting group heavy on data access.
     */
    public static List<GroupProfile> builtIns() {
        return List.of(
                new GroupProfile("web", 1.0, 19.0, 0.6, 1.3, 0.08, 0.3, 0.1, 0.5),
                new GroupProfile("api", 0.8, 13.0, 0.7, 0.4, 0.06, 0.8, 0.15, 0.3),
                new GroupProfile("reports", 0.5, 2.0, 0.8, 0.9, 0.10, 0.2, 0.7, 0.4));
    }

    /** The profile of a trace-driven group: a neutral mix, no synthetic shape of its own. */
    public static GroupProfile neutral(String name, double weight) {
        return new GroupProfile(name, weight, 0, 0, 1, 0, 0.5, 0.2, 0);
    }
}
