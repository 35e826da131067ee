package dev.prescale.job.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one {@code scaling-decisions} record (and the group's capacity, when known) into the line
 * the demo prints: when, which group, the forecast per resource with its confidence and risk, the
 * decision, and what the group has right now.
 */
public final class DecisionLine {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private DecisionLine() {}

    /** The line for a decision record (read as a tree, so that added fields never break the demo). */
    public static String format(JsonNode d, Optional<GroupCapacity> capacity) {
        StringBuilder sb = new StringBuilder();
        sb.append(TIME.format(Instant.ofEpochMilli(d.path("timestamp").asLong()))).append(" UTC  ");
        sb.append(String.format(Locale.ROOT, "%-12s", d.path("target").asText("?")));
        JsonNode resources = d.path("resources");
        Iterator<Map.Entry<String, JsonNode>> it = resources.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> r = it.next();
            JsonNode a = r.getValue();
            sb.append(String.format(Locale.ROOT, " %s forecast %s (p90 %s, now %s) conf %.2f %s x%.1f ->%d |",
                    r.getKey().toLowerCase(Locale.ROOT), amount(a.path("forecastP50").asDouble()),
                    amount(a.path("forecastP90").asDouble()), amount(a.path("observed").asDouble()),
                    a.path("confidence").asDouble(), a.path("risk").asText("?"), a.path("factor").asDouble(1.0),
                    a.path("instances").asInt()));
        }
        int change = d.path("change").asInt();
        sb.append(String.format(Locale.ROOT, " %s %s: desired %d (%s%d), warm pool %d",
                d.path("policy").asText("?"), d.path("riskLevel").asText("?"), d.path("desiredCapacity").asInt(),
                change >= 0 ? "+" : "", change, d.path("warmPoolSize").asInt()));
        capacity.ifPresent(c -> sb.append(String.format(Locale.ROOT,
                " | group now: desired %d, in service %d, launching %d, warm %d", c.desired(), c.inService(), c.pending(), c.warmPool())));
        return sb.toString();
    }

    /** Short human amounts: 3.21, 1.2k, 4.5M. */
    static String amount(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
