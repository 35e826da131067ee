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
 * hash before its characters.
 */
final class HeldByGroup {
    private static final int INITIAL_SLOTS = 16;

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
