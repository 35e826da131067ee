package dev.prescale.job.pipeline;

/**
 * The {@link DistinctUsers#hash} of recent users' pseudonyms, found by the fingerprint of their raw
 * id ({@link DistinctUsers#hash} of the raw id): a user seen again in another group or window costs a
 * lookup instead of an HMAC, a hex string and a hash over it. Direct-mapped and of fixed size (two
 * {@code long} arrays, no allocation per user): a newer user whose fingerprint falls on the same slot
 * replaces the older one, which is then pseudonymized again when it comes back. Heap only, inside
 * the operator; it holds no raw id and no pseudonym, only the two 63-bit hashes.
 *
 * <p>Two raw ids with the same fingerprint (odds about n^2 / 2^64 for n users) get the same hash
 * and count as one user: a count too low by one, the safe side for k-anonymity, as in
 * {@link AnonymizingPreAggregator#seen}. Not thread safe.
 */
final class PseudonymHashCache {
    /** Marks a used slot: fingerprints and hashes are 63-bit, so the top bit is free. */
    private static final long USED = Long.MIN_VALUE;
    /** What {@link #get} answers for a fingerprint not in the cache (no 63-bit hash is negative). */
    static final long ABSENT = -1;

    private final long[] tags;
    private final long[] hashes;
    private final int mask;

    /** @param slots a power of two */
    PseudonymHashCache(int slots) {
        if (slots < 1 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two, got " + slots);
        }
        tags = new long[slots];
        hashes = new long[slots];
        mask = slots - 1;
    }

    /** The pseudonym hash remembered for this raw-id fingerprint, or {@link #ABSENT}. */
    long get(long fingerprint) {
        // The fingerprint's low bits are well mixed (DistinctUsers.hash ends with a 64-bit finalizer).
        int slot = (int) fingerprint & mask;
        return tags[slot] == (fingerprint | USED) ? hashes[slot] : ABSENT;
    }

    /** Remembers a user's pseudonym hash, replacing whichever user had the slot. */
    void put(long fingerprint, long pseudonymHash) {
        int slot = (int) fingerprint & mask;
        tags[slot] = fingerprint | USED;
        hashes[slot] = pseudonymHash;
    }
}
