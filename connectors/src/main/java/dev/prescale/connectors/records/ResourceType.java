package dev.prescale.connectors.records;

import java.util.Locale;

/** The resource types that Prescale forecasts and scales; JSON names are the lower-case names. */
public enum ResourceType {
    CPU,
    MEMORY,
    STORAGE,
    NETWORK;

    // Computed once: series ids are built from it for every group and window.
    private final String jsonName = name().toLowerCase(Locale.ROOT);

    /** The name used in JSON and in the configuration file. */
    public String jsonName() {
        return jsonName;
    }

    /** Parses a JSON/config name, case-insensitively. */
    public static ResourceType fromJsonName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
