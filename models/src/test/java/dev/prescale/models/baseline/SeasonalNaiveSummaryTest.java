package dev.prescale.models.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.models.Forecast;
import dev.prescale.models.ForecastRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forecasting from a summary plus the plan's lag ranges is bit for bit the full-history forecast,
 * and one summary serves a whole period, for growing and for sliding histories.
 */
class SeasonalNaiveSummaryTest {

    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;

    private static double[] series(Random rnd, int n, double gaps) {
        double[] x = new double[n];
        int kind = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case 0 -> Math.max(0, 50 + 40 * Math.sin(i / 37.0) + rnd.nextGaussian() * 5);
                case 1 -> rnd.nextInt(3); // ties
                case 2 -> i * 10.0; // a running total
                default -> rnd.nextGaussian() * 100;
            };
            if (rnd.nextDouble() < gaps) {
                x[i] = Double.NaN;
            }
        }
        if (rnd.nextInt(10) == 0) {
            // A long stretch of NaN: the last known value comes from the summary.
            int from = rnd.nextInt(n);
            Arrays.fill(x, from, Math.min(n, from + rnd.nextInt(n)), Double.NaN);
        }
        return x;
    }

    /** The history with NaN outside the plan's lag ranges for the origin. */
    private static double[] sparse(double[] x, int[] ranges) {
        int n = x.length;
        double[] s = new double[n];
        Arrays.fill(s, Double.NaN);
        for (int k = 0; k < ranges.length; k += 2) {
            assertThat(ranges[k]).isBetween(1, ranges[k + 1]);
            for (int lag = ranges[k]; lag <= Math.min(n, ranges[k + 1]); lag++) {
                s[n - lag] = x[n - lag];
            }
        }
        return s;
    }

    private static void assertSame(Forecast expected, Forecast actual, String what) {
        assertThat(actual.p10()).as("p10 " + what).containsExactly(expected.p10());
        assertThat(actual.p50()).as("p50 " + what).containsExactly(expected.p50());
        assertThat(actual.p90()).as("p90 " + what).containsExactly(expected.p90());
        assertThat(actual.note()).as("note " + what).isEqualTo(expected.note());
    }

    @Test
    void sparseHistoryPlusSummaryIsTheFullForecastBitForBit() {
        Random rnd = new Random(8);
        int compared = 0;
        int lastKnown = 0;
        for (int round = 0; round < 600; round++) {
            // A daily season at 5-minute steps, or a 2-hour one at 1-minute steps (cheaper, more periods).
            boolean daily = rnd.nextBoolean();
            long step = daily ? 5 * MIN : MIN;
            long seasonMillis = daily ? DAY : 2 * HOUR;
            // Periods at whole hours, or staggered per group (the job's default).
            SeasonalNaiveForecaster f = new SeasonalNaiveForecaster(seasonMillis, 1 + rnd.nextInt(3), HOUR, rnd.nextBoolean());
            String id = "g" + rnd.nextInt(1_000) + "/" + (rnd.nextBoolean() ? "cpu" : "memory");
            int season = (int) (seasonMillis / step);
            // Horizons up to past a season (p50 then reads a season back from inside the horizon).
            int horizon = rnd.nextInt(4) == 0 ? season + 1 + rnd.nextInt(season) : 1 + rnd.nextInt(20);
            SeasonalNaivePlan plan = f.summaryPlan(step, horizon);
            assertThat(plan).isNotNull();
            int n = plan.minHistorySteps() + rnd.nextInt(3 * season);
            // Origins on the step grid, and some off it (a step then straddles the period start).
            long origin = 1_767_225_600_000L + rnd.nextInt(10_000) * step + (rnd.nextInt(5) == 0 ? rnd.nextInt((int) step) : 0);
            double[] x = series(rnd, n, rnd.nextInt(3) == 0 ? 0.3 : 0.02);
            ForecastRequest full = ForecastRequest.of(id, origin, step, x, horizon);
            Forecast expected = f.forecast(full);
            double[] summary = plan.summarize(full);
            ForecastRequest thin = ForecastRequest.of(id, origin, step, sparse(x, plan.lagRanges(id, origin)), horizon);
            Forecast actual = f.forecast(List.of(thin), List.of(summary)).get(0);
            assertSame(expected, actual, "round " + round);
            if (Double.isFinite(x[n - 1])) {
                // With the last value known, the smaller ranges suffice.
                int[] fewer = plan.lagRangesWithLastKnown(id, origin);
                ForecastRequest thinner = ForecastRequest.of(id, origin, step, sparse(x, fewer), horizon);
                assertSame(expected, f.forecast(List.of(thinner), List.of(summary)).get(0), "round " + round + " (last known)");
                lastKnown++;
            }
            compared++;
        }
        assertThat(compared).isEqualTo(600);
        assertThat(lastKnown).isGreaterThan(300);
    }

    @Test
    void oneSummaryServesEveryOriginOfItsPeriodGrowingOrSliding() {
        Random rnd = new Random(21);
        long step = MIN;
        int horizon = 15;
        SeasonalNaiveForecaster f = new SeasonalNaiveForecaster(2 * HOUR, 2);
        SeasonalNaivePlan plan = f.summaryPlan(step, horizon);
        int total = 900;
        long first = 1_767_225_600_000L + 17 * step; // the series starts off the hour
        for (int context : new int[] {240, 300, 317, 10_000}) {
            double[] all = series(rnd, total, 0.05);
            double[] summary = null;
            long key = Long.MIN_VALUE;
            int reused = 0;
            for (int t = plan.minHistorySteps(); t <= total; t++) {
                // As the job ships it: the known steps up to the origin, at most the context.
                int n = Math.min(context, t);
                long origin = first + t * step;
                double[] x = Arrays.copyOfRange(all, t - n, t);
                if (n < plan.minHistorySteps()) {
                    continue;
                }
                ForecastRequest full = ForecastRequest.of("s", origin, step, x, horizon);
                long k = plan.summaryKey("s", origin, n);
                if (k != key) {
                    summary = plan.summarize(full);
                    key = k;
                } else {
                    assertThat(plan.summarize(full)).as("context %d origin step %d", context, t).containsExactly(summary);
                    reused++;
                }
                ForecastRequest thin = ForecastRequest.of("s", origin, step, sparse(x, plan.lagRanges("s", origin)), horizon);
                assertSame(f.forecast(full), f.forecast(List.of(thin), List.of(summary)).get(0),
                        "context " + context + " origin step " + t);
            }
            // Most origins reuse the summary of their period (one refresh an hour).
            assertThat(reused).as("context %d", context).isGreaterThan((total - plan.minHistorySteps()) * 9 / 10);
        }
    }

    @Test
    void aValueOfTheCurrentHourChangesTheBandOnlyFromTheNextHourButP50AtOnce() {
        long step = MIN;
        int season = 120;
        SeasonalNaiveForecaster f = new SeasonalNaiveForecaster(2 * HOUR, 2);
        Random rnd = new Random(5);
        double[] x = new double[3 * season];
        for (int i = 0; i < x.length; i++) {
            x[i] = 100 + rnd.nextGaussian() * 10;
        }
        long hour = 1_767_225_600_000L;
        long origin = hour + 20 * step; // 20 steps into the hour
        double[] changed = x.clone();
        int lag = 5; // inside the current hour
        changed[x.length - lag] += 1_000;
        int horizon = season;
        Forecast before = f.forecast(ForecastRequest.of("s", origin, step, x, horizon));
        Forecast after = f.forecast(ForecastRequest.of("s", origin, step, changed, horizon));
        // p50 one season after the changed value moves; the band around every other step does not.
        int moved = season - lag;
        assertThat(after.p50()[moved]).isEqualTo(before.p50()[moved] + 1_000);
        for (int i = 0; i < horizon; i++) {
            if (i != moved) {
                assertThat(after.p10()[i]).isEqualTo(before.p10()[i]);
                assertThat(after.p90()[i]).isEqualTo(before.p90()[i]);
            }
        }
        SeasonalNaivePlan plan = f.summaryPlan(step, horizon);
        assertThat(plan.summarize(ForecastRequest.of("s", origin, step, changed, horizon)))
                .containsExactly(plan.summarize(ForecastRequest.of("s", origin, step, x, horizon)));
        // The next hour: the value is before the period start, so its error enters the percentiles.
        double[] later = Arrays.copyOfRange(x, 40, x.length);
        double[] laterChanged = Arrays.copyOfRange(changed, 40, changed.length);
        double[] extra = new double[40];
        Arrays.fill(extra, 100);
        long nextHour = hour + HOUR;
        later = concat(later, extra);
        laterChanged = concat(laterChanged, extra);
        double[] s0 = plan.summarize(ForecastRequest.of("s", nextHour, step, later, horizon));
        double[] s1 = plan.summarize(ForecastRequest.of("s", nextHour, step, laterChanged, horizon));
        assertThat(s1[1]).isGreaterThan(s0[1]);
    }

    @Test
    void staggeredPeriodsAreWholeStepsSharedByAGroupAndSpreadOverTheHour() {
        SeasonalNaivePlan plan = new SeasonalNaiveForecaster().summaryPlan(MIN, 15);
        assertThat(plan.staggered()).isTrue();
        java.util.Set<Long> offsets = new java.util.HashSet<>();
        int[] perSlot = new int[60];
        for (int g = 0; g < 6_000; g++) {
            long o = plan.periodOffsetMillis("group-" + g + "/cpu");
            assertThat(o).isBetween(0L, HOUR - MIN);
            assertThat(o % MIN).isZero();
            assertThat(plan.periodOffsetMillis("group-" + g + "/memory")).isEqualTo(o);
            offsets.add(o);
            perSlot[(int) (o / MIN)]++;
        }
        // 6,000 groups over 60 minutes: about 100 refreshes a minute, none far above.
        assertThat(offsets).hasSize(60);
        assertThat(java.util.Arrays.stream(perSlot).max().getAsInt()).isLessThan(160);
        // The aligned plan puts every series at whole hours.
        assertThat(new SeasonalNaiveForecaster(DAY, 2, HOUR).summaryPlan(MIN, 15).periodOffsetMillis("group-7/cpu")).isZero();
        // A summary key changes at the group's own offset, not at the hour.
        String id = "group-7/cpu";
        long o = plan.periodOffsetMillis(id);
        long hour = 1_767_225_600_000L;
        assertThat(plan.summaryKey(id, hour + o, 3_000)).isEqualTo(plan.summaryKey(id, hour + o + HOUR - MIN, 3_000))
                .isNotEqualTo(plan.summaryKey(id, hour + o - MIN, 3_000));
    }

    @Test
    void stepsThatDoNotDivideThePeriodHaveNoPlan() {
        SeasonalNaiveForecaster f = new SeasonalNaiveForecaster();
        assertThat(f.summaryPlan(7 * MIN, 15)).isNull();
        assertThat(f.summaryPlan(2 * HOUR, 15)).isNull();
        assertThat(f.summaryPlan(MIN, 15)).isEqualTo(new SeasonalNaiveForecaster().summaryPlan(MIN, 15))
                .isNotEqualTo(f.summaryPlan(MIN, 16));
        assertThat(f.summaryPlan(MIN, 15).minHistorySteps()).isEqualTo(1441);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
