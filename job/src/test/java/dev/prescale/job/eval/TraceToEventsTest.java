package dev.prescale.job.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.records.Interaction;
import dev.prescale.job.pipeline.DemandAccumulator;
import dev.prescale.job.pipeline.DemandAggregator;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The trace-to-events conversion: aggregated as the job aggregates (its own {@link DemandAggregator}
 * and the window's cores = cpuMillis / window length), the events give back every trace value, with
 * k distinct users per window, in event-time order, each row in its own window.
 */
class TraceToEventsTest {

    private static final long STEP = 300_000L;

    private static Trace trace(long firstMillis, double... values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = firstMillis + i * STEP;
        }
        return new Trace("t", "value", times, values, STEP, 0);
    }

    /** Aggregates the events per window as the job does; returns the cores and distinct users of each row. */
    private static double[][] aggregate(TraceToEvents ev) {
        DemandAggregator agg = new DemandAggregator();
        List<DemandAccumulator> windows = new ArrayList<>();
        for (int r = 0; r < ev.rows(); r++) {
            windows.add(agg.createAccumulator());
        }
        long previousTs = Long.MIN_VALUE;
        for (long n = 0; n < ev.eventCount(); n++) {
            Interaction i = ev.event(n);
            assertThat(i.ts).as("event-time order").isGreaterThanOrEqualTo(previousTs);
            previousTs = i.ts;
            // The tumbling window the job puts it in (aligned to the epoch).
            long windowStart = Math.floorDiv(i.ts, ev.stepMillis()) * ev.stepMillis();
            int row = ev.rowOfDecision(windowStart + ev.stepMillis());
            assertThat(row).isGreaterThanOrEqualTo(0);
            agg.add(i, windows.get(row));
        }
        double[][] out = new double[ev.rows()][2];
        for (int r = 0; r < ev.rows(); r++) {
            DemandAccumulator a = agg.getResult(windows.get(r));
            out[r][0] = a.cpuMillis / (double) ev.stepMillis(); // WindowResultFunction's cores
            out[r][1] = a.users.size();
        }
        return out;
    }

    @Test
    void roundTripGivesEveryValueBackWithKUsers() {
        Random rnd = new Random(7);
        double[] v = new double[2_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (i % 4) {
                case 0 -> rnd.nextInt(5_000); // counts (tweets, passengers)
                case 1 -> Math.round(rnd.nextDouble() * 100_000) / 1000.0; // percentages with 3 decimals
                case 2 -> rnd.nextDouble() * 1e6;
                default -> i % 8 == 3 ? 0.0 : rnd.nextDouble() * 1e-3;
            };
        }
        // 21:42:53 is not a multiple of the step: rows go to the windows of an aligned axis.
        TraceToEvents ev = new TraceToEvents(trace(1_424_986_973_000L, v), "g", 5);
        double[][] got = aggregate(ev);
        for (int i = 0; i < v.length; i++) {
            assertThat(ulps(got[i][0], v[i])).as("row %d: %s vs %s", i, got[i][0], v[i]).isLessThanOrEqualTo(1);
            if (v[i] == Math.rint(v[i])) {
                assertThat(got[i][0]).as("integer row %d comes back to the bit", i).isEqualTo(v[i]);
            }
            assertThat((int) got[i][1]).as("distinct users of row %d", i).isEqualTo(5);
        }
        assertThat(ev.originMillis() % STEP).isZero();
        assertThat(ev.originMillis()).isLessThanOrEqualTo(1_424_986_973_000L).isGreaterThan(1_424_986_973_000L - STEP);
    }

    @Test
    void decisionStampsMapBackToRows() {
        TraceToEvents ev = new TraceToEvents(trace(600_000L, 1, 2, 3), "g", 3);
        assertThat(ev.rowOfDecision(900_000L)).isEqualTo(0);
        assertThat(ev.rowOfDecision(1_500_000L)).isEqualTo(2);
        assertThat(ev.rowOfDecision(1_800_000L)).isEqualTo(-1); // after the last row
        assertThat(ev.rowOfDecision(600_000L)).isEqualTo(-1); // before any row was observed
        assertThat(ev.rowOfDecision(901_000L)).isEqualTo(-1); // not a window end
    }

    @Test
    void eventsOfARowDependOnlyOnThatRow() {
        TraceToEvents a = new TraceToEvents(trace(0, 5, 6, 7, 8), "g", 2);
        TraceToEvents b = new TraceToEvents(trace(0, 5, 6, 70, 80), "g", 2);
        for (long n = 0; n < 4; n++) { // rows 0 and 1
            assertThat(a.event(n)).isEqualTo(b.event(n));
        }
        assertThat(a.event(4)).isNotEqualTo(b.event(4));
    }

    @Test
    void rejectsValuesThatAreNoDemand() {
        assertThatThrownBy(() -> new TraceToEvents(trace(0, 1, -2), "g", 5)).hasMessageContaining("row 1");
        assertThatThrownBy(() -> new TraceToEvents(trace(0, 1, Double.POSITIVE_INFINITY), "g", 5)).hasMessageContaining("row 1");
    }

    /** Distance in units in the last place between two non-negative doubles. */
    private static long ulps(double a, double b) {
        return Math.abs(Double.doubleToLongBits(a) - Double.doubleToLongBits(b));
    }

    /** Every value of every shared trace comes back within one ulp, most to the bit (when the data are here). */
    @Test
    void realTracesRoundTripWithinOneUlp() throws Exception {
        Path dir = FlinkReplayITCase.dataDir();
        if (dir == null) {
            System.out.println("SKIPPED realTracesRoundTripExactly: no trace folder (set -Dprescale.data.dir or PRESCALE_DATA_DIR)");
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".csv") && !p.getFileName().toString().startsWith("alibaba")).sorted().toList();
        }
        Set<String> checked = new HashSet<>();
        long inexact = 0;
        long values = 0;
        for (Path f : files) {
            Trace t = new TraceReader().read(f);
            double[][] got = aggregate(new TraceToEvents(t, "g", 5));
            for (int i = 0; i < t.size(); i++) {
                assertThat(ulps(got[i][0], t.values()[i])).as("%s row %d", t.name(), i).isLessThanOrEqualTo(1);
                assertThat((int) got[i][1]).isEqualTo(5);
                if (got[i][0] != t.values()[i]) {
                    inexact++;
                }
                values++;
            }
            checked.add(t.name());
        }
        assertThat(checked).isNotEmpty();
        System.out.printf("%d of %d trace values came back one ulp off, the rest to the bit%n", inexact, values);
        assertThat(inexact).as("values that did not come back to the bit").isLessThan(values / 20);
    }
}
