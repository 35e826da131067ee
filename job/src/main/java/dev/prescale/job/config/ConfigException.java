package dev.prescale.job.config;

/** An invalid configuration value: the message names the key, the value and what is allowed. */
public class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, Object value, String allowed) {
        super("invalid configuration: " + key + " = " + value + " (" + allowed + ")");
        this.key = key;
    }

    /** The dotted key that was wrong, e.g. {@code resources.cpu.capacityPerInstance}. */
    public String key() {
        return key;
    }
}
