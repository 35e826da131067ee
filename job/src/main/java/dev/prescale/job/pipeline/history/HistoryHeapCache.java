package dev.prescale.job.pipeline.history;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded heap copy of what a subtask's group histories last read from or wrote to state: each
 * group's head and the few stored chunks its forecasts read by point lookups (the lags a day back
 * read the same older chunk for 60 windows in a row). A window of a cached group then reads nothing
 * from the state backend (in RocksDB every read is a lookup and a deserialization); every write
 * still goes to state, which stays the only truth for checkpoints, restore and rescaling.
 *
 * <p>The head's state expires {@code headTtlMillis} after its last write (Flink's TTL, processing
 * time): a cached head is only served while younger than that on the same clock, else the group's
 * entry is dropped and the state read decides (null: the group starts afresh and clears its
 * chunks). Cached chunks live no longer than their group's entry.
 *
 * <p>The cache keeps copies of what it is given, never the objects handed to state: on the heap
 * state backend those are the state's own, which an asynchronous snapshot may still be reading when
 * the next window changes what the cache returned (a state read would have returned a copy then).
 *
 * <p>Bounded in bytes (an estimate from the arrays' lengths, with compressed references): a full
 * cache admits a new group only in place of least recently used ones that missed
 * {@link #STALE_WINDOWS} windows or whose head expired. Groups with a window every window keep their
 * place, so with more active groups than room the first ones stay cached instead of every group
 * evicting another (which would hit nothing); a chunk that finds no room is read from state again.
 */
public final class HistoryHeapCache {
    /** Stored chunks kept per group: the forecast's lag ranges read one or two older chunks. */
    public static final int CHUNKS_PER_GROUP = 4;
    /** A least recently used group this many windows behind the element's window gives way to a new one. */
    static final int STALE_WINDOWS = 2;
    /** Bytes of an entry besides its key, head and chunks: the entry, its arrays and the map's node. */
    static final long ENTRY_BYTES = 240;
    /** Bytes of a {@link HistoryChunk} without its arrays. */
    private static final long CHUNK_BYTES = 56;
    /** Bytes of a {@link HistoryHead} without its arrays and open chunk. */
    private static final long HEAD_BYTES = 88;

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
        final long keyBytes;
        HistoryHead head;
        long headBytes;
        long headWrittenAt;
        final long[] index = new long[CHUNKS_PER_GROUP];
        final HistoryChunk[] chunks = new HistoryChunk[CHUNKS_PER_GROUP];
        final long[] chunkBytes = new long[CHUNKS_PER_GROUP];
        int next;

        Group(long keyBytes) {
            this.keyBytes = keyBytes;
        }

        long bytes() {
            long b = ENTRY_BYTES + keyBytes + headBytes;
            for (long c : chunkBytes) {
                b += c;
            }
            return b;
        }

        /** The slot holding chunk {@code i}, or -1. */
        int slotOf(long i) {
            for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
                if (chunks[s] != null && index[s] == i) {
                    return s;
                }
            }
            return -1;
        }
    }

    private final long maxBytes;
    private final long headTtlMillis;
    private final long windowMillis;
    private final TtlClock clock;
    /** In access order: the first is the least recently used. */
    private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private String key;
    private long windowEnd;
    private Group current;
    private long headHits;
    private long chunkHits;

    /**
     * @param maxBytes heap the cache may take, estimated (0: nothing is cached)
     * @param headTtlMillis the head state's TTL
     * @param windowMillis the window length (how far behind a group is stale)
     */
    public HistoryHeapCache(long maxBytes, long headTtlMillis, long windowMillis, TtlClock clock) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the history cache's size must be 0 or more bytes, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
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
        current = maxBytes == 0 ? null : groups.get(group);
        if (current == null) {
            return null;
        }
        if (expired(current)) {
            groups.remove(group);
            bytes -= current.bytes();
            current = null;
            return null;
        }
        headHits++;
        return current.head;
    }

    /** The head just written to state for the selected group (a copy is kept); {@code writtenAt} read before the write. */
    public void headWritten(HistoryHead written, long writtenAt) {
        long size = sizeOf(written);
        if (current == null) {
            current = admit(size);
            if (current == null) {
                return; // no room: nothing to copy
            }
        }
        HistoryHead head = written.copy();
        bytes += size - current.headBytes;
        current.head = head;
        current.headBytes = size;
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
        int s = current.slotOf(index);
        if (s < 0) {
            return null;
        }
        chunkHits++;
        return current.chunks[s];
    }

    /** A chunk of the selected group read from state by a point lookup: a copy is kept if there is room. */
    public void chunkRead(long index, HistoryChunk chunk) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s < 0) {
            // Round robin: the slot filled longest ago (the lags are read in the same order every window).
            s = current.next;
            current.next = (s + 1) % CHUNKS_PER_GROUP;
        }
        set(s, index, chunk.copy());
    }

    /**
     * A chunk of the selected group written to state: a copy replaces the kept one, if any. Not kept
     * otherwise: chunks are written once, when the next one opens, and most are next read by a
     * full scan (which the cache does not serve) or never; the lag ranges' chunks come in by their reads.
     */
    public void chunkWritten(long index, HistoryChunk chunk) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s >= 0) {
            set(s, index, chunk.copy());
        }
    }

    /** A chunk of the selected group removed from state. */
    public void chunkRemoved(long index) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s >= 0) {
            set(s, index, null);
        }
    }

    /** Every chunk of the selected group removed from state. */
    public void chunksCleared() {
        if (current == null) {
            return;
        }
        for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
            set(s, 0, null);
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

    /** The cached head and chunks of a group (none: empty), without selecting it or using it (tests). */
    public List<Object> peek(String group) {
        List<Object> l = new ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) { // not get: it would make the group most recently used
            if (e.getKey().equals(group)) {
                l.add(e.getValue().head);
                for (HistoryChunk c : e.getValue().chunks) {
                    if (c != null) {
                        l.add(c);
                    }
                }
            }
        }
        return l;
    }

    /** Estimated heap the cached heads and chunks take now. */
    public long bytes() {
        return bytes;
    }

    /** Estimated heap of a chunk: its arrays with their headers, and the object. */
    static long sizeOf(HistoryChunk c) {
        if (c == null) {
            return 0;
        }
        return CHUNK_BYTES + floats(c.cpu) + floats(c.memory) + floats(c.network) + doubles(c.storage)
                + doubles(c.bytesWritten) + floats(c.apiCalls) + floats(c.dataAccesses) + floats(c.uiEvents)
                + floats(c.users);
    }

    /** Estimated heap of a head: its arrays, its open chunk and the object. */
    static long sizeOf(HistoryHead h) {
        return HEAD_BYTES + doubles(h.summaries) + doubles(h.maxAbs) + sizeOf(h.open);
    }

    /** Estimated heap of a group's entry with this head and no chunks. */
    static long entryBytes(String group, HistoryHead head) {
        return ENTRY_BYTES + keyBytes(group) + sizeOf(head);
    }

    private static long keyBytes(String group) {
        return 40 + 2L * group.length(); // the String and its bytes (UTF-16 at worst)
    }

    private static long floats(float[] a) {
        return a == null ? 0 : 16 + 4L * a.length;
    }

    private static long doubles(double[] a) {
        return a == null ? 0 : 16 + 8L * a.length;
    }

    private void set(int slot, long index, HistoryChunk chunk) {
        long size = sizeOf(chunk);
        Group g = current;
        if (chunk != null && bytes - g.chunkBytes[slot] + size > maxBytes) {
            chunk = null; // no room: this chunk is read from state (a stale copy must not stay either)
            size = 0;
        }
        bytes += size - g.chunkBytes[slot];
        g.index[slot] = index;
        g.chunks[slot] = chunk;
        g.chunkBytes[slot] = size;
    }

    private boolean expired(Group g) {
        return clock.millis() - g.headWrittenAt >= headTtlMillis;
    }

    private Group admit(long headBytes) {
        if (maxBytes == 0) {
            return null;
        }
        long needed = ENTRY_BYTES + keyBytes(key) + headBytes;
        Iterator<Map.Entry<String, Group>> it = groups.entrySet().iterator();
        while (bytes + needed > maxBytes && it.hasNext()) {
            Group eldest = it.next().getValue();
            boolean behind = eldest.head.lastWindowEnd + STALE_WINDOWS * windowMillis < windowEnd;
            if (!behind && !expired(eldest)) {
                return null; // the cached groups are as active as this one: keep them
            }
            it.remove();
            bytes -= eldest.bytes();
        }
        if (bytes + needed > maxBytes) {
            return null;
        }
        Group g = new Group(keyBytes(key));
        groups.put(key, g);
        bytes += ENTRY_BYTES + g.keyBytes; // the head's bytes are added by the caller
        return g;
    }
}
