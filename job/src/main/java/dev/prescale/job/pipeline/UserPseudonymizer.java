package dev.prescale.job.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Replaces a user id by HMAC-SHA256 under a secret key, as lower-case hex. Not thread safe.
 *
 * <p>The HMAC cost about a third as much as parsing the record (issue 8, JFR), so: the SHA-256
 * states after the key's inner and outer pad blocks are computed once and copied per id (RFC 2104
 * unchanged, half the compressions of {@code javax.crypto.Mac}, which rehashes the pad on every
 * call); and recent answers are kept in a direct-mapped cache (a user sends many interactions per
 * window). The cache lives only in this object, inside the first operator, where the raw id is
 * anyway; it is never serialized or checkpointed, and a colliding id simply replaces an entry.
 */
public final class UserPseudonymizer {
    /** Entries of the cache (a power of two): bounded memory whatever the number of users. */
    public static final int DEFAULT_CACHE_ENTRIES = 65_536;
    private static final int BLOCK_BYTES = 64;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final MessageDigest innerPadded;
    private final MessageDigest outerPadded;
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
        innerPadded = sha256();
        outerPadded = sha256();
        byte[] k = key.length > BLOCK_BYTES ? sha256().digest(key) : key;
        byte[] inner = new byte[BLOCK_BYTES];
        byte[] outer = new byte[BLOCK_BYTES];
        for (int i = 0; i < BLOCK_BYTES; i++) {
            byte b = i < k.length ? k[i] : 0;
            inner[i] = (byte) (b ^ 0x36);
            outer[i] = (byte) (b ^ 0x5c);
        }
        innerPadded.update(inner);
        outerPadded.update(outer);
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
        MessageDigest in = copy(innerPadded);
        in.update(user.getBytes(StandardCharsets.UTF_8));
        MessageDigest out = copy(outerPadded);
        out.update(in.digest());
        byte[] h = out.digest();
        char[] hex = new char[h.length * 2];
        for (int i = 0; i < h.length; i++) {
            hex[2 * i] = HEX[(h[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[h[i] & 0xf];
        }
        return new String(hex);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static MessageDigest copy(MessageDigest padded) {
        try {
            return (MessageDigest) padded.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 provider cannot copy its state", e);
        }
    }
}
