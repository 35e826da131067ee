package dev.prescale.job.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulator and the reference policies reproduce data/reference-scores.md (an independent
 * implementation of EVALUATION.md) for every shared trace, to the printed precision. The data folder
 * is {@code -Dprescale.data.dir} or {@code PRESCALE_DATA_DIR}, default ../shared/data beside the checkout; the test is
 * skipped, saying so, when it is absent.
 */
class ReferenceScoresTest {

    static Path dataDir() {
        String p = System.getProperty("prescale.data.dir", System.getenv().getOrDefault("PRESCALE_DATA_DIR", "../../shared/data"));
        return Path.of(p);
    }

    static Stream<Arguments> rows() throws Exception {
        Path table = dataDir().resolve("reference-scores.md");
        if (!Files.exists(table)) {
            return Stream.of(Arguments.of("(reference-scores.md absent in " + dataDir() + ")", null));
        }
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(table)) {
            String[] cells = line.split("\\|");
            if (cells.length >= 7 && cells[1].trim().endsWith(".csv")) {
                out.add(Arguments.of(cells[1].trim(), cells));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void reproducesReferenceScores(String file, String[] cells) throws Exception {
        assumeTrue(cells != null, "skipped: no reference table; set -Dprescale.data.dir to the shared data folder");
        Path trace = dataDir().resolve("traces").resolve(file);
        assumeTrue(Files.exists(trace), "skipped: trace " + trace + " is absent");
        Trace tr = new TraceReader().intervalSeconds(300).read(trace);
        CloudGroupSimulator sim = new CloudGroupSimulator(tr);
        assertThat(tr.stepMillis() / 1000).as("step").isEqualTo(Long.parseLong(cells[2].trim()));
        double c = Double.parseDouble(cells[3].trim());
        assertThat(sim.capacityUnit()).as("C").isCloseTo(c, within(Math.abs(c) * 1e-4));
        check(file + " reactive", sim.run(ReferencePolicies.reactive(sim)), cells[4]);
        check(file + " reactive-warm", sim.run(ReferencePolicies.reactiveWarm(sim)), cells[5]);
        check(file + " seasonal", sim.run(ReferencePolicies.seasonal(sim, tr.stepsPerDay())), cells[6]);
    }

    /** Compares "under / unserved / cost / actions" to the precision each figure is printed with. */
    static void check(String what, SimulationResult r, String cell) {
        String[] f = cell.trim().split("/");
        String actual = String.format("%.3f / %.3f / %.4f / %d", r.underStepsPct(), r.unservedPct(), r.costRatio(), r.actions());
        assertThat(r.underStepsPct()).as(what + " under_steps_pct (got " + actual + ")").isCloseTo(Double.parseDouble(f[0]), within(half(f[0])));
        assertThat(r.unservedPct()).as(what + " unserved_pct (got " + actual + ")").isCloseTo(Double.parseDouble(f[1]), within(half(f[1])));
        assertThat(r.costRatio()).as(what + " cost_ratio (got " + actual + ")").isCloseTo(Double.parseDouble(f[2]), within(half(f[2])));
        assertThat(r.actions()).as(what + " actions (got " + actual + ")").isEqualTo(Integer.parseInt(f[3].trim()));
    }

    /** Half a unit in the last printed decimal, plus a hair for rounding of the printed value. */
    static double half(String printed) {
        String s = printed.trim();
        int dot = s.indexOf('.');
        int decimals = dot < 0 ? 0 : s.length() - dot - 1;
        return 0.5 * Math.pow(10, -decimals) + 1e-9;
    }
}
