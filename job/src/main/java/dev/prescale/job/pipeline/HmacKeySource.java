package dev.prescale.job.pipeline;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where the HMAC key lives: a key file or an environment variable, resolved on the TaskManager in
 * {@code open()}, so the key itself is never part of the job graph, a command line or a log.
 */
public final class HmacKeySource implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Shorter keys make the pseudonyms guessable by brute force over likely user ids. */
    public static final int MIN_KEY_BYTES = 16;

    private final String envVar;
    private final String keyFile;

    public HmacKeySource(String envVar, String keyFile) {
        this.envVar = envVar;
        this.keyFile = keyFile == null || keyFile.isBlank() ? null : keyFile;
    }

    /** The key bytes; the message of a failure names the source, never the key. */
    public byte[] load() {
        byte[] key;
        if (keyFile != null) {
            try {
                key = trimTrailingNewlines(Files.readAllBytes(Path.of(keyFile)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the anonymization key file " + keyFile + ": " + e.getMessage());
            }
        } else {
            String v = System.getenv(envVar);
            if (v == null) {
                throw new IllegalStateException("environment variable " + envVar + " (the anonymization key) is not set");
            }
            key = v.trim().getBytes(StandardCharsets.UTF_8);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("the anonymization key from " + describe() + " is shorter than " + MIN_KEY_BYTES + " bytes");
        }
        return key;
    }

    /** Where the key comes from, for messages. */
    public String describe() {
        return keyFile != null ? "key file " + keyFile : "environment variable " + envVar;
    }

    private static byte[] trimTrailingNewlines(byte[] b) {
        int n = b.length;
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
            n--;
        }
        return Arrays.copyOf(b, n);
    }
}
