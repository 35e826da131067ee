package dev.prescale.job.pipeline.history;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded heap copy of what a subtask's group histories last read from or wrote to state: each
 * group's head and the few stored chunks its forecasts read (the lags a day back read the same
 * older chunk for 60 windows in a row). A window of a cached group then reads nothing from the
 * state backend (in RocksDB every read is a lookup and a deserialization); every write still goes
 * to state, which stays the only truth for checkpoints, restore and rescaling.
 *
 * <p>The head's state expires {@code headTtlMillis} after its last write (Flink's TTL, processing
 * time): a cached head is only served while younger than that on the same clock, else the group's
 * entry is dropped and the state read decides (null: the group starts afresh and clears its
 * chunks). Cached chunks live no longer than their group's entry.
 *
 * <p>Bounded by groups: a full cache admits a new group only in place of its least recently used
 * one when that one missed {@link #STALE_WINDOWS} windows or its head expired. Groups with a window
 * every window keep their place, so with more active groups than room the first ones stay cached
 * instead of every group evicting another (which would hit nothing).
 */
public final class HistoryHeapCache {
    /** Stored chunks kept per group: the forecast's lag ranges read one or two older chunks. */
    public static final int CHUNKS_PER_GROUP = 4;
    /** A least recently used group this many windows behind the element's window gives way to a new one. */
    static final int STALE_WINDOWS = 2;

    /** The clock of the state TTL (Flink's default TTL time provider reads the system clock). */
    @FunctionalInterface
    public interface TtlClock extends Serializable {
        /** Milliseconds, on the clock the state backend's TTL uses. */
        long millis();

        /** The system clock, as Flink's state TTL. */
        static TtlClock system() {
            return System::currentTimeMillis;
        }
    }

    /** One group's cached history. */
    private static final class Group {
        HistoryHead head;
        long headWrittenAt;
        final long[] index = new long[CHUNKS_PER_GROUP];
        final HistoryChunk[] chunks = new HistoryChunk[CHUNKS_PER_GROUP];
        int next;

        HistoryChunk chunk(long i) {
            for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
                if (chunks[s] != null && index[s] == i) {
                    return chunks[s];
                }
            }
            return null;
        }

        /** Replaces the chunk at {@code i} if it is kept; returns whether it was. */
        boolean replace(long i, HistoryChunk chunk) {
            for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
                if (chunks[s] != null && index[s] == i) {
                    chunks[s] = chunk;
                    return true;
                }
            }
            return false;
        }

        void keep(long i, HistoryChunk chunk) {
            if (replace(i, chunk)) {
                return;
            }
            // Round robin: the slot written longest ago (the chunks are read in lag order, oldest last).
            index[next] = i;
            chunks[next] = chunk;
            next = (next + 1) % CHUNKS_PER_GROUP;
        }

        void drop(long i) {
            for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
                if (index[s] == i) {
                    chunks[s] = null;
                }
            }
        }
    }

    private final int maxGroups;
    private final long headTtlMillis;
    private final long windowMillis;
    private final TtlClock clock;
    /** In access order: the first is the least recently used. */
    private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>(16, 0.75f, true);
    private String key;
    private long windowEnd;
    private Group current;
    private long headHits;
    private long chunkHits;

    /**
     * @param maxGroups groups kept at most (0: nothing is cached)
     * @param headTtlMillis the head state's TTL
     * @param windowMillis the window length (how far behind a group is stale)
     */
    public HistoryHeapCache(int maxGroups, long headTtlMillis, long windowMillis, TtlClock clock) {
        if (maxGroups < 0) {
            throw new IllegalArgumentException("groups to cache must be 0 or more, not " + maxGroups);
        }
        this.maxGroups = maxGroups;
        this.headTtlMillis = headTtlMillis;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Selects the group of the element being processed and returns its cached head, or null: read
     * it from state. An expired head drops the group's entry (chunks too).
     */
    public HistoryHead head(String group, long elementWindowEnd) {
        key = group;
        windowEnd = elementWindowEnd;
        current = maxGroups == 0 ? null : groups.get(group);
        if (current == null) {
            return null;
        }
        if (clock.millis() - current.headWrittenAt >= headTtlMillis) {
            groups.remove(group);
            current = null;
            return null;
        }
        headHits++;
        return current.head;
    }

    /** The head just written to state for the selected group; {@code writtenAt} read before the write. */
    public void headWritten(HistoryHead head, long writtenAt) {
        if (current == null) {
            current = admit();
            if (current == null) {
                return;
            }
        }
        current.head = head;
        current.headWrittenAt = writtenAt;
    }

    /** The TTL clock's time, to pass to {@link #headWritten} (read before the state write). */
    public long now() {
        return clock.millis();
    }

    /** The selected group's cached chunk at {@code index}, or null: read it from state. */
    public HistoryChunk chunk(long index) {
        if (current == null) {
            return null;
        }
        HistoryChunk c = current.chunk(index);
        if (c != null) {
            chunkHits++;
        }
        return c;
    }

    /** A chunk of the selected group read from state by a point lookup: kept. */
    public void chunkRead(long index, HistoryChunk chunk) {
        if (current != null) {
            current.keep(index, chunk);
        }
    }

    /**
     * A chunk of the selected group written to state: replaces the kept copy, if any. Not kept
     * otherwise: chunks are written once, when the next one opens, and most are next read by a
     * full scan (which the cache does not serve) or never; the lag ranges' chunks come in by their reads.
     */
    public void chunkWritten(long index, HistoryChunk chunk) {
        if (current != null) {
            current.replace(index, chunk);
        }
    }

    /** A chunk of the selected group removed from state. */
    public void chunkRemoved(long index) {
        if (current != null) {
            current.drop(index);
        }
    }

    /** Every chunk of the selected group removed from state. */
    public void chunksCleared() {
        if (current != null) {
            Arrays.fill(current.chunks, null);
        }
    }

    /** Heads served from the cache since it was made. */
    public long headHits() {
        return headHits;
    }

    /** Chunks served from the cache since it was made. */
    public long chunkHits() {
        return chunkHits;
    }

    /** Groups cached now. */
    public int size() {
        return groups.size();
    }

    private Group admit() {
        if (maxGroups == 0) {
            return null;
        }
        if (groups.size() >= maxGroups) {
            Iterator<Map.Entry<String, Group>> it = groups.entrySet().iterator();
            Group eldest = it.next().getValue();
            boolean behind = eldest.head.lastWindowEnd + STALE_WINDOWS * windowMillis < windowEnd;
            if (!behind && clock.millis() - eldest.headWrittenAt < headTtlMillis) {
                return null; // every cached group is as active as this one: keep them
            }
            it.remove();
        }
        Group g = new Group();
        groups.put(key, g);
        return g;
    }
}
