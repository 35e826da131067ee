package dev.prescale.job.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a user id by HMAC-SHA256 under a secret key, as lower-case hex. Not thread safe.
 *
 * <p>Recent answers are kept in a small direct-mapped cache: a user sends many interactions per
 * window, and the HMAC (two SHA-256 runs) cost about a third as much as parsing the record (issue 8,
 * JFR). The cache lives only in this object, inside the first operator, where the raw id is
 * anyway; it is never serialized or checkpointed, and a colliding id simply replaces an entry.
 */
public final class UserPseudonymizer {
    /** Entries of the cache (a power of two): bounded memory whatever the number of users. */
    public static final int DEFAULT_CACHE_ENTRIES = 16_384;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final Mac mac;
    private final String[] cachedUsers;
    private final String[] cachedPseudonyms;
    private final int mask;
    private long computed;

    public UserPseudonymizer(byte[] key) {
        this(key, DEFAULT_CACHE_ENTRIES);
    }

    /** @param cacheEntries a power of two, or 0 for no cache */
    public UserPseudonymizer(byte[] key, int cacheEntries) {
        if (cacheEntries < 0 || Integer.bitCount(cacheEntries) > 1) {
            throw new IllegalArgumentException("cache entries must be 0 or a power of two: " + cacheEntries);
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
        cachedUsers = new String[cacheEntries];
        cachedPseudonyms = new String[cacheEntries];
        mask = cacheEntries - 1;
    }

    public String pseudonym(String user) {
        if (cachedUsers.length == 0) {
            return hmac(user);
        }
        // Spread the hash: ids often differ only in their last characters.
        int h = user.hashCode();
        int slot = (h ^ (h >>> 16)) & mask;
        if (user.equals(cachedUsers[slot])) {
            return cachedPseudonyms[slot];
        }
        String p = hmac(user);
        cachedUsers[slot] = user;
        cachedPseudonyms[slot] = p;
        return p;
    }

    /** How many pseudonyms were computed rather than found in the cache (tests). */
    long computed() {
        return computed;
    }

    private String hmac(String user) {
        computed++;
        byte[] h = mac.doFinal(user.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[h.length * 2];
        for (int i = 0; i < h.length; i++) {
            out[2 * i] = HEX[(h[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[h[i] & 0xf];
        }
        return new String(out);
    }
}
