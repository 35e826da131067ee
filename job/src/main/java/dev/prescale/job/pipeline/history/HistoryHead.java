package dev.prescale.job.pipeline.history;

/**
 * The small per-group part of the history, rewritten on every window: where the history starts
 * and ends, the storage running total and the layout the chunks were written with. A Flink POJO
 * (public no-arg constructor, public fields) so that Flink's POJO serializer, with schema
 * evolution, keeps it in state.
 */
public class HistoryHead {
    /** Window length the chunks were written for. */
    public long windowMillis;
    /** Windows per chunk the chunks were written with. */
    public int chunkWindows;
    /** The first window seen (0: none yet): before it the demand is unknown, after it a gap means no traffic. */
    public long firstWindowEnd;
    /** The latest window seen (0: none yet). */
    public long lastWindowEnd;
    /** Running total of bytes written: the storage level. */
    public double storageTotal;
    /** The lowest chunk index that may still be stored: eviction starts here. */
    public long oldestChunk;

    public HistoryHead() {}

    HistoryHead(long windowMillis, int chunkWindows) {
        this.windowMillis = windowMillis;
        this.chunkWindows = chunkWindows;
    }

    /** Whether any window has been recorded. */
    boolean isEmpty() {
        return lastWindowEnd == 0;
    }
}
