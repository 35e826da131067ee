package dev.prescale.job.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds raw user ids (every id starts with a known prefix) and an HMAC key (as text, hex and
 * base64 in its usual variants) in text, per channel (logs, metrics, REST, files, topics). One
 * raw id is the canary: a scan must find it where the test planted it, and nothing else.
 */
final class LeakScanner {
    private final Pattern rawId;
    private final String canary;
    private final Map<String, String> keyForms = new LinkedHashMap<>();
    /** Per channel: canary hits, and the other hits with where they were. */
    private final Map<String, Integer> canaryHits = new TreeMap<>();
    private final Map<String, List<String>> leaks = new TreeMap<>();
    private final Map<String, Integer> scanned = new TreeMap<>();

    LeakScanner(String rawIdPrefix, String canary, byte[] key) {
        this.rawId = Pattern.compile(Pattern.quote(rawIdPrefix) + "[A-Za-z0-9_]+");
        this.canary = canary;
        keyForms.put("key as text", new String(key, StandardCharsets.UTF_8));
        keyForms.put("key in hex", HexFormat.of().formatHex(key));
        keyForms.put("key in HEX", HexFormat.of().withUpperCase().formatHex(key));
        keyForms.put("key in base64", Base64.getEncoder().withoutPadding().encodeToString(key));
        keyForms.put("key in base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }

    /** The forms of the key searched for (form name to text). */
    Map<String, String> keyForms() {
        return keyForms;
    }

    /** Scans one piece of text of a channel; {@code where} names it in the report. */
    void scan(String channel, String where, String text) {
        scanned.merge(channel, 1, Integer::sum);
        canaryHits.putIfAbsent(channel, 0);
        leaks.putIfAbsent(channel, new ArrayList<>());
        Matcher m = rawId.matcher(text);
        while (m.find()) {
            if (m.group().equals(canary)) {
                canaryHits.merge(channel, 1, Integer::sum);
            } else {
                leaks.get(channel).add(m.group() + " in " + where + ": ..." + excerpt(text, m.start()) + "...");
            }
        }
        for (Map.Entry<String, String> form : keyForms.entrySet()) {
            int at = text.indexOf(form.getValue());
            if (at >= 0) {
                leaks.get(channel).add(form.getKey() + " in " + where + ": ..." + excerpt(text, at) + "...");
            }
        }
    }

    Map<String, Integer> canaryHits() {
        return canaryHits;
    }

    Map<String, List<String>> leaks() {
        return leaks;
    }

    /** How many pieces (lines, pages, files, records, names) were scanned per channel. */
    Map<String, Integer> scanned() {
        return scanned;
    }

    private static String excerpt(String text, int at) {
        return text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 60)).replaceAll("[^\\x20-\\x7e]", "?");
    }
}
