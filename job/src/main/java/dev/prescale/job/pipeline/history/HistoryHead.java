package dev.prescale.job.pipeline.history;

/**
 * The small per-group part of the history, rewritten on every window: where the history starts
 * and ends, the storage running total, the layout the chunks were written with and the open chunk. A Flink POJO
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
    /**
     * The forecaster's summaries of each resource (its {@code SummaryPlan}), flattened in resource
     * order: null when there are none (a head from before summaries, or one whose summaries a
     * replaced or late window made stale), which means "make them from the full history now".
     */
    public double[] summaries;
    /** Which summaries they are: the plan's summary key for the origins they serve. */
    public long summaryKey;
    /** Which plan made them (a hash of its description): another plan makes new ones. */
    public int summaryPlan;
    /**
     * Largest absolute value per resource since the summaries were made (from the full history
     * then, raised by every new window): the range check of a forecast from a sparse history.
     */
    public double[] maxAbs;
    /**
     * The open chunk: the one the newest window was written to, kept here rather than in the
     * chunk map (see {@link HeadChunkStore}); null in heads written before it moved here, whose
     * open chunk is still in the map.
     */
    public HistoryChunk open;
    /** The chunk index of {@link #open}. */
    public long openIndex;

    public HistoryHead() {}

    HistoryHead(long windowMillis, int chunkWindows) {
        this.windowMillis = windowMillis;
        this.chunkWindows = chunkWindows;
    }

    /** A deep copy: no array or chunk is shared with this head. */
    HistoryHead copy() {
        HistoryHead h = new HistoryHead(windowMillis, chunkWindows);
        h.firstWindowEnd = firstWindowEnd;
        h.lastWindowEnd = lastWindowEnd;
        h.storageTotal = storageTotal;
        h.oldestChunk = oldestChunk;
        h.summaries = summaries == null ? null : summaries.clone();
        h.summaryKey = summaryKey;
        h.summaryPlan = summaryPlan;
        h.maxAbs = maxAbs == null ? null : maxAbs.clone();
        h.open = open == null ? null : open.copy();
        h.openIndex = openIndex;
        return h;
    }

    /** Whether any window has been recorded. */
    boolean isEmpty() {
        return lastWindowEnd == 0;
    }
}
