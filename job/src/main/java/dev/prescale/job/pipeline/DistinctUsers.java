package dev.prescale.job.pipeline;

import java.util.Arrays;

/**
 * The distinct users of one group's window as sorted 63-bit hashes of their pseudonyms: a Flink
 * POJO (a {@code long[]} and a flag, no Kryo), cheap to (de)serialize on every event.
 *
 * <p>Exact (up to hash collisions, about n^2 / 2^64) for up to {@link #CAP} distinct users. Beyond
 * that it keeps the {@link #CAP} smallest hashes (a K-minimum-values sketch) and {@link #size()}
 * estimates the count from them (relative standard error about 1 / sqrt(CAP - 2), 2.2 %), so that
 * one huge group cannot grow the state of its window without bound. k-anonymity only needs the
 * exact count of small groups, which stay far below the cap.
 */
public class DistinctUsers {

    /** Distinct users counted exactly; more are estimated. */
    public static final int CAP = 2048;

    /** Ascending, no duplicates, at most {@link #CAP}; exactly sized (the POJO serializer writes it all). */
    public long[] hashes = new long[0];
    /** True once a hash was dropped at the cap: {@link #hashes} is then the smallest {@link #CAP} of them. */
    public boolean sampled;

    public DistinctUsers() {}

    /** Adds one user by pseudonym. */
    public void add(String pseudonym) {
        addHash(hash(pseudonym));
    }

    /** Adds one user by its {@link #hash}. */
    public void addHash(long h) {
        int n = hashes.length;
        if (n == CAP && h > hashes[n - 1]) {
            sampled = true; // above the CAP smallest: not kept
            return;
        }
        int at = Arrays.binarySearch(hashes, h);
        if (at >= 0) {
            return;
        }
        at = -at - 1;
        if (n == CAP) {
            // Full: shift the larger ones up in place and drop the largest.
            System.arraycopy(hashes, at, hashes, at + 1, n - at - 1);
            hashes[at] = h;
            sampled = true;
            return;
        }
        long[] grown = new long[n + 1];
        System.arraycopy(hashes, 0, grown, 0, at);
        grown[at] = h;
        System.arraycopy(hashes, at, grown, at + 1, n - at);
        hashes = grown;
    }

    /** Adds every user of {@code other} (the union; a sketch stays a sketch). */
    public void addAll(DistinctUsers other) {
        long[] a = hashes;
        long[] b = other.hashes;
        long[] merged = new long[Math.min(CAP, a.length + b.length)];
        int i = 0;
        int j = 0;
        int n = 0;
        boolean dropped = false;
        while (i < a.length || j < b.length) {
            long next;
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                next = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            if (n == CAP) {
                dropped = true;
                break;
            }
            merged[n++] = next;
        }
        hashes = n == merged.length ? merged : Arrays.copyOf(merged, n);
        sampled = sampled || other.sampled || dropped;
    }

    /** The number of distinct users: exact below the cap, else the K-minimum-values estimate. */
    public int size() {
        if (!sampled) {
            return hashes.length;
        }
        // The CAP-th smallest of n uniform values in [0, 2^63) lies near CAP / n of the range.
        double kth = (hashes[hashes.length - 1] + 1.0) / 0x1p63;
        return (int) Math.min(Integer.MAX_VALUE, Math.round((hashes.length - 1) / kth));
    }

    /** One id per kept user (the hash in hex), for set unions downstream; a sample when {@link #sampled}. */
    public String[] ids() {
        String[] out = new String[hashes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Long.toHexString(hashes[i]);
        }
        return out;
    }

    /** A 63-bit hash of a pseudonym (FNV-1a over its characters, then a 64-bit finalizer to spread the bits). */
    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h >>> 1;
    }
}
