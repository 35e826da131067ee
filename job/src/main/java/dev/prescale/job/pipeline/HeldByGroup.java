package dev.prescale.job.pipeline;

import dev.prescale.job.pipeline.PreAggregatingOperator.Held;
import java.util.Arrays;

/**
 * The sums one window holds in {@link PreAggregatingOperator}, by group: an open-addressing table
 * of the {@link Held} sums themselves (linear probing on the group's {@code String} hash, kept in
 * each), plus the same sums in the order their groups came, which is the order they are sent in.
 *
 * <p>Why not a {@code HashMap}: the pre-aggregation looks a group up for every interaction, and at
 * 10,000 groups each object on the way is a cache miss. A {@code HashMap} goes table, node, key,
 * value; this table goes straight from its slot to the sums, which hold the key and compare its
 * hash before its characters. A name of at most {@link #PACKED_CHARS} Latin-1 characters is
 * compared in the sums themselves, packed into three longs ({@link Held#packedLength}): the held
 * {@code String} and its bytes, two more cache misses per interaction, are read only for longer names.
 */
final class HeldByGroup {
    private static final int INITIAL_SLOTS = 16;
    /** Names up to this long (8 Latin-1 characters per long, three longs) are compared packed. */
    static final int PACKED_CHARS = 24;

    /** Power-of-two sized, at most half full; null is an empty slot (nothing is ever removed). */
    private Held[] slots = new Held[INITIAL_SLOTS];
    /** The sums in insertion order; the first {@link #size} are used. */
    private Held[] inOrder = new Held[INITIAL_SLOTS / 2];
    private int size;

    /** The sums of this group, or null if it has none here yet. */
    Held get(String group) {
        int hash = spread(group.hashCode());
        Held[] t = slots;
        int mask = t.length - 1;
        int length = packedLength(group);
        if (length < 0) {
            for (int at = hash & mask; ; at = (at + 1) & mask) {
                Held h = t[at];
                if (h == null) {
                    return null;
                }
                if (h.hash == hash && group.equals(h.group)) {
                    return h;
                }
            }
        }
        long w0 = packed(group, 0);
        long w1 = packed(group, 1);
        long w2 = packed(group, 2);
        for (int at = hash & mask; ; at = (at + 1) & mask) {
            Held h = t[at];
            if (h == null) {
                return null;
            }
            // Equal lengths and 8-bit characters: equal words are equal names.
            if (h.hash == hash && h.packedLength == length && h.w0 == w0 && h.w1 == w1 && h.w2 == w2) {
                return h;
            }
        }
    }

    /**
     * The sums in this group's home slot (perhaps another group's, or null), read without comparing
     * names: the first of the reads {@link #get} makes, for {@link #touch}.
     */
    Held home(String group) {
        Held[] t = slots;
        return t[spread(group.hashCode()) & (t.length - 1)];
    }

    /**
     * Reads the fields of held sums that adding to them reads, on each of its cache lines, and their
     * first fingerprints; decides nothing. Returns what it read only so that the reads stay.
     */
    static long touch(Held h) {
        if (h == null) {
            return 0;
        }
        return h.hash + h.apiCalls + h.uiEvents + h.w0 + h.fingerprintCount + (h.recentLooked ? 1 : 0) + h.fingerprints.length;
    }

    /** Reads the first and the last of held sums' fingerprints (two cache lines); see {@link #touch}. */
    static long touchFingerprints(Held h) {
        if (h == null) {
            return 0;
        }
        long[] f = h.fingerprints;
        return f.length == 0 ? 0 : f[0] + f[f.length - 1];
    }

    /** The name's length if it is compared packed (at most {@link #PACKED_CHARS} characters, all Latin-1), else -1. */
    static int packedLength(String name) {
        int n = name.length();
        if (n > PACKED_CHARS) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (name.charAt(i) > 0xFF) {
                return -1;
            }
        }
        return n;
    }

    /** Characters {@code 8 * word} to {@code 8 * word + 7} of a packed name, 8 bits each, 0 past its end. */
    static long packed(String name, int word) {
        long x = 0;
        int end = Math.min(name.length(), 8 * word + 8);
        for (int i = 8 * word; i < end; i++) {
            x |= (long) name.charAt(i) << ((i & 7) << 3);
        }
        return x;
    }

    /** Adds the sums of a group that {@link #get} did not find. */
    void add(Held held) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        place(slots, held);
        if (size == inOrder.length) {
            inOrder = Arrays.copyOf(inOrder, 2 * size);
        }
        inOrder[size++] = held;
    }

    /** How many groups have sums here. */
    int size() {
        return size;
    }

    /** The sums of the {@code k}-th group to arrive, {@code 0 <= k < size()}. */
    Held at(int k) {
        return inOrder[k];
    }

    /** The hash a group is placed by: the String hash with its high bits folded in (tables are small). */
    static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private void grow() {
        Held[] bigger = new Held[2 * slots.length];
        for (int k = 0; k < size; k++) {
            place(bigger, inOrder[k]);
        }
        slots = bigger;
    }

    private static void place(Held[] t, Held held) {
        int mask = t.length - 1;
        int at = held.hash & mask;
        while (t[at] != null) {
            at = (at + 1) & mask;
        }
        t[at] = held;
    }
}
