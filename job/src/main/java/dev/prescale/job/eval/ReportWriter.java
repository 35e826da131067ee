package dev.prescale.job.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prescale.connectors.records.ScalingDecision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes an evaluation's files: decisions.csv, metrics.json, report.html, plot.png, and the summary table. */
public final class ReportWriter {

    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {}

    /** Writes every per-trace file into {@code dir}. */
    public static void writeTrace(TraceEvaluation e, Path dir) throws IOException {
        Files.createDirectories(dir);
        writeDecisions(e.steps, dir.resolve("decisions.csv"));
        Files.writeString(dir.resolve("metrics.json"), JSON.writeValueAsString(metrics(e)));
        HtmlReport.write(e, dir.resolve("report.html"));
        PlotImage.write(e, dir.resolve("plot.png"));
    }

    /** {@code timestamp,desired_capacity,warm_pool_size,confidence,risk_level,reason}, UTC timestamps. */
    public static void writeDecisions(List<OfflineReplay.Step> steps, Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("timestamp,desired_capacity,warm_pool_size,confidence,risk_level,reason\n");
            for (OfflineReplay.Step s : steps) {
                ScalingDecision d = s.decision();
                w.write(UTC.format(Instant.ofEpochMilli(d.timestamp)) + "," + d.desiredCapacity + "," + d.warmPoolSize + ","
                        + String.format(Locale.ROOT, "%.4f", d.confidence) + "," + d.riskLevel + "," + csv(d.reason) + "\n");
            }
        }
    }

    static String csv(String s) {
        String t = s == null ? "" : s;
        return "\"" + t.replace("\"", "\"\"") + "\"";
    }

    static ObjectNode metrics(TraceEvaluation e) {
        ObjectNode root = JSON.createObjectNode();
        root.put("trace", e.trace.name());
        root.put("column", e.trace.column());
        root.put("step_s", e.trace.stepMillis() / 1000);
        root.put("rows", e.trace.size());
        root.put("skipped_values", e.trace.skipped());
        root.put("capacity_unit", e.simulator.capacityUnit());
        root.put("cold_lead_steps", e.simulator.coldLeadSteps());
        root.put("warm_lead_steps", e.simulator.warmLeadSteps());
        root.put("first_scored", UTC.format(Instant.ofEpochMilli(e.trace.timesMillis()[Math.min(e.trace.size() - 1, e.simulator.firstScoredStep())])));
        root.put("policy", e.policyName);
        root.set("whole", figures(e.whole));
        root.set("first_half", figures(e.firstHalf));
        root.set("second_half", figures(e.secondHalf));
        return root;
    }

    private static ObjectNode figures(Map<String, SimulationResult> byPolicy) {
        ObjectNode n = JSON.createObjectNode();
        for (Map.Entry<String, SimulationResult> r : byPolicy.entrySet()) {
            ObjectNode f = n.putObject(r.getKey());
            f.put("scored_steps", r.getValue().scoredSteps());
            f.put("under_steps_pct", round(r.getValue().underStepsPct(), 3));
            f.put("unserved_pct", round(r.getValue().unservedPct(), 3));
            f.put("cost_ratio", round(r.getValue().costRatio(), 4));
            f.put("actions", r.getValue().actions());
        }
        return n;
    }

    static double round(double x, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(x * f) / f;
    }

    /** A markdown table per window (whole, first half, second half) with medians over the traces. */
    public static String summary(List<TraceEvaluation> results) {
        StringBuilder sb = new StringBuilder();
        if (results.isEmpty()) {
            return "no traces\n";
        }
        List<String> names = new ArrayList<>(results.get(0).whole.keySet());
        sb.append("Figures: under-provisioned steps % / unserved % / cost ratio / actions.\n");
        for (String window : List.of("whole", "first half", "second half")) {
            sb.append("\n### ").append(window).append(" of the scored window\n\n| trace |");
            for (String n : names) {
                sb.append(' ').append(n).append(" |");
            }
            sb.append("\n|---|");
            sb.append("---|".repeat(names.size())).append('\n');
            for (TraceEvaluation e : results) {
                Map<String, SimulationResult> m = pick(e, window);
                sb.append("| ").append(e.trace.name()).append(" |");
                for (String n : names) {
                    SimulationResult r = m.get(n);
                    sb.append(r == null ? " - |" : String.format(Locale.ROOT, " %.3f / %.3f / %.4f / %d |", r.underStepsPct(), r.unservedPct(),
                            r.costRatio(), r.actions()));
                }
                sb.append('\n');
            }
            sb.append("| **median** |");
            for (String n : names) {
                List<SimulationResult> rs = new ArrayList<>();
                for (TraceEvaluation e : results) {
                    SimulationResult r = pick(e, window).get(n);
                    if (r != null) {
                        rs.add(r);
                    }
                }
                sb.append(String.format(Locale.ROOT, " **%.3f / %.3f / %.4f / %.0f** |",
                        median(rs.stream().mapToDouble(SimulationResult::underStepsPct).toArray()),
                        median(rs.stream().mapToDouble(SimulationResult::unservedPct).toArray()),
                        median(rs.stream().mapToDouble(SimulationResult::costRatio).toArray()),
                        median(rs.stream().mapToDouble(SimulationResult::actions).toArray())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static Map<String, SimulationResult> pick(TraceEvaluation e, String window) {
        return window.equals("whole") ? e.whole : window.equals("first half") ? e.firstHalf : e.secondHalf;
    }

    /** The median (mean of the middle two for an even count), NaN when empty. */
    public static double median(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double[] s = x.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
