package dev.prescale.job.pipeline.history;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A group's chunks with the open one (the chunk the newest window was written to) kept in its
 * {@link HistoryHead}: the head is read and written for every window anyway, so appending a window
 * costs no read and no write of a chunk entry of its own; the open chunk goes to the chunk store
 * once a window of a newer chunk arrives. Wherever the head holds a chunk it is that chunk's
 * current version, also when the store holds an older copy of it (a head written before the open
 * chunk moved into it): reads and scans take the head's.
 */
final class HeadChunkStore implements ChunkStore {
    private final HistoryHead head;
    private final ChunkStore chunks;

    HeadChunkStore(HistoryHead head, ChunkStore chunks) {
        this.head = head;
        this.chunks = chunks;
    }

    private boolean holds(long index) {
        return head.open != null && head.openIndex == index;
    }

    @Override
    public HistoryChunk get(long index) throws Exception {
        return holds(index) ? head.open : chunks.get(index);
    }

    @Override
    public void put(long index, HistoryChunk chunk) throws Exception {
        if (holds(index)) {
            head.open = chunk;
        } else if (head.open == null || index > head.openIndex) {
            // A newer chunk: the open one is complete (later windows of it are updates) and moves out.
            if (head.open != null) {
                chunks.put(head.openIndex, head.open);
            }
            head.open = chunk;
            head.openIndex = index;
        } else {
            chunks.put(index, chunk); // an update of an older window
        }
    }

    @Override
    public void remove(long index) throws Exception {
        if (holds(index)) {
            head.open = null;
        }
        chunks.remove(index);
    }

    @Override
    public void clear() throws Exception {
        head.open = null;
        chunks.clear();
    }

    @Override
    public Iterable<Map.Entry<Long, HistoryChunk>> entries() throws Exception {
        Iterable<Map.Entry<Long, HistoryChunk>> stored = chunks.entries();
        HistoryChunk open = head.open;
        long openIndex = head.openIndex;
        if (open == null) {
            return stored;
        }
        return () -> new Iterator<>() {
            private final Iterator<Map.Entry<Long, HistoryChunk>> it = stored.iterator();
            private Map.Entry<Long, HistoryChunk> next;
            private boolean openGiven;

            @Override
            public boolean hasNext() {
                while (next == null && it.hasNext()) {
                    Map.Entry<Long, HistoryChunk> e = it.next();
                    if (e.getKey() != openIndex) {
                        next = e; // a stored copy of the open chunk is older than the head's
                    }
                }
                return next != null || !openGiven;
            }

            @Override
            public Map.Entry<Long, HistoryChunk> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (next != null) {
                    Map.Entry<Long, HistoryChunk> e = next;
                    next = null;
                    return e;
                }
                openGiven = true;
                return Map.entry(openIndex, open);
            }
        };
    }
}
