package dev.prescale.job.demo;

/**
 * Maps simulated time to wall-clock time at a fixed speed-up: {@code speedup} simulated
 * milliseconds pass per wall millisecond. A speed-up of 0 or less means "as fast as possible".
 */
public record ReplayPacer(long simStartMillis, long wallStartMillis, double speedup) {

    /** Whether the replay waits for the wall clock at all. */
    public boolean paced() {
        return speedup > 0;
    }

    /** The wall-clock instant at which simulated instant {@code simMillis} is due. */
    public long wallMillisFor(long simMillis) {
        if (!paced()) {
            return wallStartMillis;
        }
        return wallStartMillis + Math.round((simMillis - simStartMillis) / speedup);
    }
}
