package dev.prescale.connectors.records;

/**
 * Measured actuals for one scaling target from the {@code utilization} topic; a resource that was
 * not measured is {@code null}. Demand units as in DESIGN.md; {@code inService} is the number of
 * instances in service, the current allocation.
 */
public class Utilization {
    public long ts;
    public String target;
    public Double cpu;
    public Double memory;
    public Double storage;
    public Double network;
    public Integer inService;

    public Utilization() {}

    public Utilization(long ts, String target) {
        this.ts = ts;
        this.target = target;
    }

    /** The measured value of one resource, or {@code null}. */
    public Double get(ResourceType type) {
        switch (type) {
            case CPU:
                return cpu;
            case MEMORY:
                return memory;
            case STORAGE:
                return storage;
            case NETWORK:
                return network;
            default:
                throw new IllegalArgumentException(String.valueOf(type));
        }
    }

    @Override
    public String toString() {
        return "Utilization{ts=" + ts + ", target=" + target + ", cpu=" + cpu + ", memory=" + memory
                + ", storage=" + storage + ", network=" + network + ", inService=" + inService + "}";
    }
}
