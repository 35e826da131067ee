package dev.prescale.job.demo;

/**
 * A burst of extra traffic for one group over {@code [startMillis, endMillis)}: traffic is
 * multiplied by {@code factor}. An announced burst is published to {@code scheduled-events} ahead
 * of time (a planned campaign); an unannounced one is a surprise the forecaster must react to.
 */
public record Burst(String id, String group, long startMillis, long endMillis, double factor, boolean announced) {

    /** Whether {@code t} lies inside the burst. */
    public boolean covers(long t) {
        return t >= startMillis && t < endMillis;
    }
}
