package dev.prescale.job.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prescale.job.scaling.ScalingPolicy;
import dev.prescale.models.Forecaster;
import dev.prescale.models.trace.Trace;
import dev.prescale.models.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Compares policy variants over every trace of a folder in one JVM, for choosing a method on the
 * first halves of the scored windows and reporting it on the second:
 * {@code PolicySweep DIR [--forecaster snaive|CLASS] VARIANT...}, each variant a comma-separated list
 * of {@code key=value} overrides of the evaluation defaults (dotted keys reach into
 * {@code resources.cpu}), or {@code default}. Prints the medians of under-provisioned steps %,
 * unserved % and cost ratio over the traces, for the whole window and each half.
 */
public final class PolicySweep {

    private PolicySweep() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        Path dir = Path.of(args[0]);
        String forecasterName = "snaive";
        List<String> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--forecaster")) {
                forecasterName = args[++i];
            } else {
                variants.add(args[i]);
            }
        }
        List<Trace> traces = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                traces.add(new TraceReader().read(f));
            }
        }
        try (Forecaster forecaster = EvaluateMain.forecaster(forecasterName)) {
            for (String variant : variants) {
                ScalingPolicy policy = policy(variant);
                double[][] whole = new double[3][traces.size()];
                double[][] first = new double[3][traces.size()];
                double[][] second = new double[3][traces.size()];
                double[] seasonalUnder = new double[traces.size()];
                for (int i = 0; i < traces.size(); i++) {
                    TraceEvaluation e = TraceEvaluation.evaluate(traces.get(i), policy, forecaster, 8);
                    String name = e.policyName;
                    put(whole, i, e.whole.get(name));
                    put(first, i, e.firstHalf.get(name));
                    put(second, i, e.secondHalf.get(name));
                    seasonalUnder[i] = e.whole.get("seasonal").underStepsPct();
                    if (System.getenv("SWEEP_VERBOSE") != null) {
                        long reactive = e.steps.stream().filter(st -> "REACTIVE".equals(st.decision().riskLevel)).count();
                        System.out.printf("  %-40s %.3f / %.3f / %.4f  (reactive decisions %d of %d)%n", traces.get(i).name(),
                                whole[0][i], whole[1][i], whole[2][i], reactive, e.steps.size());
                    }
                }
                System.out.printf("%-60s whole %s | first %s | second %s%n", variant, medians(whole), medians(first), medians(second));
            }
        }
    }

    /** The evaluation defaults with the variant's overrides. */
    static ScalingPolicy policy(String variant) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        ObjectNode root = mapper.createObjectNode();
        if (!variant.equals("default")) {
            for (String kv : variant.split(",")) {
                String[] p = kv.split("=", 2);
                String[] path = p[0].trim().split("\\.");
                ObjectNode node = root;
                for (int k = 0; k < path.length - 1; k++) {
                    node = node.has(path[k]) ? (ObjectNode) node.get(path[k]) : node.putObject(path[k]);
                }
                node.set(path[path.length - 1], mapper.readTree(p[1].trim()));
            }
        }
        ScalingPolicy p = EvaluationPolicies.defaults();
        if (root.has("resources")) {
            // Resource overrides apply over the default resource policy, not instead of it.
            ObjectNode res = (ObjectNode) root.remove("resources");
            for (var it = res.fields(); it.hasNext();) {
                var e = it.next();
                var type = dev.prescale.connectors.records.ResourceType.fromJsonName(e.getKey());
                var rp = p.resources.computeIfAbsent(type, t -> new dev.prescale.job.scaling.ResourcePolicy());
                mapper.readerForUpdating(rp).readValue(e.getValue());
            }
        }
        p = mapper.readerForUpdating(p).readValue(root);
        p.validate("scaling");
        return p;
    }

    private static void put(double[][] m, int i, SimulationResult r) {
        m[0][i] = r == null ? Double.NaN : r.underStepsPct();
        m[1][i] = r == null ? Double.NaN : r.unservedPct();
        m[2][i] = r == null ? Double.NaN : r.costRatio();
    }

    private static String medians(double[][] m) {
        return String.format("%.3f / %.3f / %.4f", median(m[0]), median(m[1]), median(m[2]));
    }

    static double median(double[] x) {
        double[] a = Arrays.stream(x).filter(Double::isFinite).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
