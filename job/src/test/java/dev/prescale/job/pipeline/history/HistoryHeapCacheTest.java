package dev.prescale.job.pipeline.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The heap cache of group histories: TTL of heads, room in bytes, chunk slots. */
class HistoryHeapCacheTest {

    private static final long W = 60_000;
    private static final long TTL = 10_000;
    private static final long ROOM = 1 << 20;

    private final AtomicLong now = new AtomicLong();
    private final HistoryHeapCache.TtlClock clock = now::get;

    private static HistoryHead head(long lastWindowEnd) {
        HistoryHead h = new HistoryHead(W, 60);
        h.lastWindowEnd = lastWindowEnd;
        return h;
    }

    /** Bytes of one entry of a one-letter group with a head as {@link #head} makes it. */
    private static final long ENTRY = HistoryHeapCache.entryBytes("a", head(W));

    /** One element of a group: selects it, and writes its head (as the history operator does). */
    private HistoryHead window(HistoryHeapCache cache, String group, long windowEnd) {
        HistoryHead cached = cache.head(group, windowEnd);
        HistoryHead h = cached != null ? cached : head(windowEnd);
        h.lastWindowEnd = windowEnd;
        cache.headWritten(h, cache.now());
        return cached;
    }

    private static HistoryChunk full() {
        HistoryChunk c = HistoryChunk.empty(false);
        c.ensureWindow(59);
        return c;
    }

    /** A full chunk told apart by its first CPU value. */
    private static HistoryChunk full(int mark) {
        HistoryChunk c = full();
        c.cpu[0] = mark;
        return c;
    }

    /** The first CPU value of a cached chunk, or -1 when it is not cached. */
    private static float mark(HistoryHeapCache cache, long index) {
        HistoryChunk c = cache.chunk(index);
        return c == null ? -1 : c.cpu[0];
    }

    @Test
    void servesAHeadOnlyWhileTheStateWouldStillHoldIt() {
        HistoryHeapCache cache = new HistoryHeapCache(ROOM, TTL, W, clock);
        assertThat(window(cache, "a", W)).isNull();
        now.set(TTL - 1);
        assertThat(window(cache, "a", 2 * W)).isNotNull();
        // Written at TTL - 1: expired from 2 * TTL - 1 on, in the state and in the cache.
        now.set(2 * TTL - 2);
        assertThat(cache.head("a", 3 * W)).isNotNull();
        now.set(2 * TTL - 1);
        assertThat(cache.head("a", 3 * W)).isNull();
        assertThat(cache.size()).isZero();
        assertThat(cache.bytes()).isZero();
        assertThat(cache.headHits()).isEqualTo(2);
    }

    @Test
    void aFullCacheKeepsItsActiveGroupsAndReplacesOnesThatFellBehind() {
        HistoryHeapCache cache = new HistoryHeapCache(2 * ENTRY, TTL, W, clock);
        for (long k = 1; k <= 3; k++) {
            window(cache, "a", k * W);
            window(cache, "b", k * W);
            // c has a window as often as a and b: it finds no room and takes none of theirs.
            assertThat(window(cache, "c", k * W)).isNull();
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.bytes()).isEqualTo(2 * ENTRY);
        // a stops; once it is more than two windows behind, c takes its place.
        for (long k = 4; k <= 6; k++) {
            window(cache, "b", k * W);
            window(cache, "c", k * W);
        }
        assertThat(window(cache, "b", 7 * W)).isNotNull();
        assertThat(window(cache, "c", 7 * W)).isNotNull();
        assertThat(window(cache, "a", 7 * W)).isNull();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.bytes()).isEqualTo(2 * ENTRY);
    }

    @Test
    void keepsACopyOfTheHeadWrittenToState() {
        HistoryHeapCache cache = new HistoryHeapCache(ROOM, TTL, W, clock);
        HistoryHead written = head(W);
        written.open = full(7);
        written.maxAbs = new double[] {1, 2, 3, 4};
        cache.head("a", W);
        cache.headWritten(written, 0);
        HistoryHead cached = cache.head("a", 2 * W);
        assertThat(cached).isNotSameAs(written);
        assertThat(cached.open).isNotSameAs(written.open);
        assertThat(cached.maxAbs).isNotSameAs(written.maxAbs).containsExactly(1, 2, 3, 4);
        cached.open.cpu[0] = 8; // what the next window does to the head it got
        cached.maxAbs[0] = 9;
        assertThat(written.open.cpu[0]).isEqualTo(7);
        assertThat(written.maxAbs[0]).isEqualTo(1);
    }

    @Test
    void aFullCacheReplacesAGroupWhoseHeadExpired() {
        HistoryHeapCache cache = new HistoryHeapCache(ENTRY, TTL, W, clock);
        window(cache, "a", W);
        now.set(TTL);
        window(cache, "b", W);
        assertThat(window(cache, "b", 2 * W)).isNotNull();
        assertThat(cache.head("a", 2 * W)).isNull();
    }

    @Test
    void keepsTheChunksReadForTheSelectedGroupUntilRemovedOrCleared() {
        HistoryHeapCache cache = new HistoryHeapCache(ROOM, TTL, W, clock);
        HistoryChunk[] c = new HistoryChunk[6];
        for (int i = 0; i < c.length; i++) {
            c[i] = full(i);
        }
        window(cache, "a", W);
        assertThat(cache.head("a", 2 * W)).isNotNull();
        for (int i = 0; i < HistoryHeapCache.CHUNKS_PER_GROUP; i++) {
            cache.chunkRead(i, c[i]);
        }
        assertThat(cache.bytes()).isEqualTo(ENTRY + 4 * HistoryHeapCache.sizeOf(c[0]));
        // Copies: never the objects handed over (on the heap backend those are the state's own).
        assertThat(cache.chunk(0)).isNotSameAs(c[0]);
        c[0].cpu[0] = 9;
        assertThat(mark(cache, 0)).isZero();
        cache.chunkWritten(1, c[5]); // a write replaces the kept copy
        assertThat(mark(cache, 1)).isEqualTo(5);
        assertThat(cache.chunk(1)).isNotSameAs(c[5]);
        cache.chunkWritten(5, c[5]); // but keeps no chunk that was not read
        assertThat(cache.chunk(5)).isNull();
        cache.chunkRead(4, c[4]); // a fifth index read takes the slot filled longest ago
        assertThat(cache.chunk(0)).isNull();
        assertThat(mark(cache, 4)).isEqualTo(4);
        cache.chunkRemoved(2);
        assertThat(cache.chunk(2)).isNull();
        assertThat(mark(cache, 3)).isEqualTo(3);
        // Another group sees none of a's chunks.
        assertThat(cache.head("b", 2 * W)).isNull();
        assertThat(cache.chunk(3)).isNull();
        cache.head("a", 2 * W);
        cache.chunksCleared();
        assertThat(cache.chunk(3)).isNull();
        assertThat(cache.chunk(4)).isNull();
        assertThat(cache.chunkHits()).isEqualTo(6);
        assertThat(cache.bytes()).isEqualTo(ENTRY);
    }

    @Test
    void aChunkWithoutRoomIsNotKeptAndItsStaleCopyGoes() {
        long chunk = HistoryHeapCache.sizeOf(full());
        HistoryHeapCache cache = new HistoryHeapCache(ENTRY + chunk, TTL, W, clock);
        window(cache, "a", W);
        cache.head("a", 2 * W);
        cache.chunkRead(1, full());
        assertThat(cache.chunk(1)).isNotNull();
        cache.chunkRead(2, full()); // no room for a second one
        assertThat(cache.chunk(2)).isNull();
        assertThat(cache.chunk(1)).isNotNull();
        // A rewrite of the kept chunk that grew beyond the room: the old copy is not served.
        HistoryChunk grown = full();
        grown.addCovariates();
        cache.chunkWritten(1, grown);
        assertThat(cache.chunk(1)).isNull();
        assertThat(cache.bytes()).isEqualTo(ENTRY);
    }

    @Test
    void nothingIsCachedWithoutRoom() {
        HistoryHeapCache none = new HistoryHeapCache(0, TTL, W, clock);
        assertThat(window(none, "a", W)).isNull();
        assertThat(window(none, "a", 2 * W)).isNull();
        none.chunkRead(1, full());
        assertThat(none.chunk(1)).isNull();
        assertThat(none.size()).isZero();
        assertThat(none.bytes()).isZero();
        assertThatThrownBy(() -> new HistoryHeapCache(-1, TTL, W, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
