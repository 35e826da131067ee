package dev.prescale.job.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** A self-contained HTML report: figures beside the references and inline SVG plots. */
final class HtmlReport {
    private static final int W = 1200;
    private static final int MAIN_H = 360;
    private static final int CONF_H = 90;
    private static final String[] COLORS = {"#d62728", "#2ca02c", "#9467bd"};

    private HtmlReport() {}

    static void write(TraceEvaluation e, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Prescale evaluation: ").append(esc(e.trace.name()))
                .append("</title><style>body{font-family:sans-serif;margin:20px}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}</style></head><body>");
        h.append("<h1>").append(esc(e.trace.name())).append("</h1>");
        h.append(String.format(Locale.ROOT,
                "<p>column <b>%s</b>, step %d s, %d rows (%d values skipped), capacity unit C = %.6g, cold lead %d steps, warm lead %d steps; "
                        + "scored from %s (3 days after the first timestamp). Model of EVALUATION.md.</p>",
                esc(e.trace.column()), e.trace.stepMillis() / 1000, e.trace.size(), e.trace.skipped(), e.simulator.capacityUnit(),
                e.simulator.coldLeadSteps(), e.simulator.warmLeadSteps(),
                ReportWriter.UTC.format(Instant.ofEpochMilli(e.trace.timesMillis()[Math.min(e.trace.size() - 1, e.simulator.firstScoredStep())]))));
        table(h, "Whole scored window", e.whole);
        table(h, "First half", e.firstHalf);
        table(h, "Second half", e.secondHalf);
        PlotSeries p = new PlotSeries(e, 2);
        h.append("<h2>Last 2 days</h2>");
        svg(h, p);
        h.append("</body></html>\n");
        Files.writeString(file, h.toString());
    }

    private static void table(StringBuilder h, String title, Map<String, SimulationResult> m) {
        if (m.isEmpty()) {
            return;
        }
        h.append("<h2>").append(title).append("</h2><table><tr><th>policy</th><th>scored steps</th><th>under-provisioned steps %</th>"
                + "<th>unserved %</th><th>cost ratio</th><th>actions</th></tr>");
        for (Map.Entry<String, SimulationResult> r : m.entrySet()) {
            SimulationResult s = r.getValue();
            h.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">%s</td><td>%d</td><td>%.3f</td><td>%.3f</td><td>%.4f</td><td>%d</td></tr>",
                    esc(r.getKey()), s.scoredSteps(), s.underStepsPct(), s.unservedPct(), s.costRatio(), s.actions()));
        }
        h.append("</table>");
    }

    private static void svg(StringBuilder h, PlotSeries p) {
        int m = p.size();
        if (m < 2) {
            h.append("<p>too few steps to plot</p>");
            return;
        }
        double maxY = p.maxY();
        int height = MAIN_H + CONF_H + 60;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W + 80).append("\" height=\"").append(height).append("\">");
        h.append("<g transform=\"translate(60,10)\">");
        h.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(MAIN_H).append("\" fill=\"none\" stroke=\"#ddd\"/>");
        // band
        StringBuilder band = new StringBuilder();
        for (int i = 0; i < m; i++) {
            if (Double.isFinite(p.p90[i])) {
                band.append(band.length() == 0 ? "M" : "L").append(fmt(x(i, m))).append(',').append(fmt(y(p.p90[i], maxY)));
            }
        }
        for (int i = m - 1; i >= 0 && band.length() > 0; i--) {
            if (Double.isFinite(p.p10[i])) {
                band.append('L').append(fmt(x(i, m))).append(',').append(fmt(y(p.p10[i], maxY)));
            }
        }
        if (band.length() > 0) {
            h.append("<path d=\"").append(band).append("Z\" fill=\"#1f77b4\" fill-opacity=\"0.18\" stroke=\"none\"/>");
        }
        h.append(path(p.demand, m, maxY, "#1f77b4", 1.3, false));
        h.append(path(p.withWarm, m, maxY, "#ff7f0e", 1.0, true));
        for (int k = p.capacity.size() - 1; k >= 0; k--) {
            h.append(path(p.capacity.get(k), m, maxY, COLORS[k % COLORS.length], k == 0 ? 1.8 : 1.0, false));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"-55\" y=\"10\" font-size=\"11\">%.4g</text><text x=\"-15\" y=\"%d\" font-size=\"11\">0</text>",
                maxY, MAIN_H));
        h.append("<text x=\"0\" y=\"").append(MAIN_H + 14).append("\" font-size=\"11\">")
                .append(ReportWriter.UTC.format(Instant.ofEpochMilli(p.times[0]))).append("</text>");
        h.append("<text x=\"").append(W).append("\" text-anchor=\"end\" y=\"").append(MAIN_H + 14).append("\" font-size=\"11\">")
                .append(ReportWriter.UTC.format(Instant.ofEpochMilli(p.times[m - 1]))).append("</text>");
        int ct = MAIN_H + 30;
        h.append("<rect x=\"0\" y=\"").append(ct).append("\" width=\"").append(W).append("\" height=\"").append(CONF_H)
                .append("\" fill=\"none\" stroke=\"#ddd\"/><text x=\"-55\" y=\"").append(ct + 12).append("\" font-size=\"11\">conf.</text>");
        StringBuilder conf = new StringBuilder();
        for (int i = 0; i < m; i++) {
            if (Double.isFinite(p.confidence[i])) {
                conf.append(conf.length() == 0 ? "M" : "L").append(fmt(x(i, m))).append(',').append(fmt(ct + CONF_H - p.confidence[i] * CONF_H));
            }
        }
        if (conf.length() > 0) {
            h.append("<path d=\"").append(conf).append("\" fill=\"none\" stroke=\"#555\" stroke-width=\"1\"/>");
        }
        h.append("</g></svg>");
        h.append("<p><span style=\"color:#1f77b4\">&#9632; demand</span> &nbsp; <span style=\"color:#1f77b4;opacity:.4\">&#9632; forecast p10-p90 (1 step ahead)</span>");
        for (int k = 0; k < p.names.size(); k++) {
            h.append(" &nbsp; <span style=\"color:").append(COLORS[k % COLORS.length]).append("\">&#9632; ").append(esc(p.names.get(k)))
                    .append(" in-service capacity S&times;C</span>");
        }
        h.append(" &nbsp; <span style=\"color:#ff7f0e\">- - (S + ready warm pool)&times;C</span>; lower panel: decision confidence (0..1).</p>");
    }

    private static String path(double[] s, int m, double maxY, String color, double width, boolean dashed) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < m; i++) {
            if (Double.isFinite(s[i])) {
                d.append(d.length() == 0 ? "M" : "L").append(fmt(x(i, m))).append(',').append(fmt(y(s[i], maxY)));
            }
        }
        if (d.length() == 0) {
            return "";
        }
        return "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"" + width + "\""
                + (dashed ? " stroke-dasharray=\"4,3\"" : "") + "/>";
    }

    private static double x(int i, int m) {
        return (double) i / Math.max(1, m - 1) * W;
    }

    private static double y(double v, double maxY) {
        return MAIN_H - Math.max(0, v) / maxY * MAIN_H;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
