package dev.prescale.connectors.aws;

import java.util.Locale;

/** What the Auto Scaling sink does with a decision: call AWS, or only log it. */
public enum SinkMode {
    /** Send SetDesiredCapacity / PutWarmPool to AWS. */
    APPLY,
    /** Log each decision and call nothing. */
    DRY_RUN;

    /** Parses {@code apply} or {@code dry-run} (case-insensitive; {@code dry_run} is accepted too). */
    public static SinkMode parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        switch (t) {
            case "apply":
                return APPLY;
            case "dry-run":
            case "dryrun":
                return DRY_RUN;
            default:
                throw new IllegalArgumentException("mode must be apply or dry-run, got '" + text + "'");
        }
    }

    /** The configuration spelling: {@code apply} or {@code dry-run}. */
    public String configName() {
        return this == APPLY ? "apply" : "dry-run";
    }
}
