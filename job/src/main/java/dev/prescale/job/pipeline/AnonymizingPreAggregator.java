package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.Validated;
import dev.prescale.connectors.records.Interaction;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The job's first operator on payloads that the Kafka source validated and stamped with event
 * time, with {@code window.localAggregation}: admission ({@link InteractionAdmission}, dead letters
 * on {@link DeadLetters#TAG}), pseudonymization and pre-aggregation ({@link PreAggregatingOperator})
 * in one operator. It gives the same partials, dead letters and late records as
 * {@link ValidateAndAnonymize} followed by {@link LocalDemandPreAggregator}, but a group's partial
 * only needs each of its users once: the HMAC and the distinct-user hash run at most once per user,
 * group and window instead of once per interaction (at 50 interactions of 8 users per group and
 * window, 8 instead of 50), and not at all for a user whose pseudonym's hash is known from a
 * recent partial of the same group (the window before, or this window's partial sent at a
 * checkpoint barrier: {@link Held#recent}, next to the partial in memory) or is still in the
 * {@link PseudonymHashCache} from another group or an earlier window (a lookup in 4 MB, mostly a
 * cache miss).
 *
 * <p>To know who was counted, a partial remembers a fingerprint of each user's raw id (a 63-bit
 * {@link DistinctUsers#hash}, in {@link Held#fingerprints}; not the id itself: comparing ids read
 * two more objects per interaction, mostly cache misses at 10,000 groups) beside the hash of the
 * user's pseudonym: in heap, inside this operator, until the window after the partial's is sent;
 * raw ids still reach no state, output or log. Late interactions leave pseudonymized. A group with more
 * than {@link #REMEMBERED_USERS} users in a window has the further ones looked up per interaction
 * (pseudonymized again when the cache lost them).
 */
public class AnonymizingPreAggregator extends PreAggregatingOperator<String> {
    private static final long serialVersionUID = 1L;

    /** Users (fingerprints) one partial remembers; enough for most groups, small enough to scan. */
    static final int REMEMBERED_USERS = 64;
    /** Fingerprints a new partial has room for before its array grows. */
    static final int INITIAL_FINGERPRINTS = 8;
    /**
     * Slots of the pseudonym-hash cache (4 MB): most of 100,000 users stay in it from one window to
     * the next (a direct-mapped cache keeps about e^(-users / slots) of them).
     */
    static final int PSEUDONYM_CACHE_SLOTS = 1 << 18;

    private final InteractionAdmission admission;
    private final HmacKeySource keySource;
    private transient UserPseudonymizer pseudonymizer;
    private transient PseudonymHashCache pseudonymHashes;
    /** The admission's callbacks, made once rather than per record. */
    private transient LongSupplier processingTime;
    private transient UnaryOperator<String> pseudonym;
    private transient Counter deadLetters;
    private transient Counter pseudonymized;
    private transient Counter fromRecent;

    /**
     * @param maxClockSkewMillis records further ahead of processing time are dead-lettered; 0: no guard
     * @param maxKeys (group, window) sums held before all are sent
     */
    public AnonymizingPreAggregator(String topic, HmacKeySource keySource, long maxClockSkewMillis,
            long windowMillis, long allowedLatenessMillis, int maxKeys, OutputTag<Interaction> lateTag) {
        super(windowMillis, allowedLatenessMillis, maxKeys, lateTag);
        this.admission = new InteractionAdmission(topic, maxClockSkewMillis, true);
        this.keySource = keySource;
    }

    @Override
    public void open() throws Exception {
        super.open();
        pseudonymizer = new UserPseudonymizer(keySource.load());
        pseudonymHashes = new PseudonymHashCache(PSEUDONYM_CACHE_SLOTS);
        processingTime = getProcessingTimeService()::getCurrentProcessingTime;
        pseudonym = pseudonymizer::pseudonym;
        deadLetters = getMetricGroup().counter("deadLetters");
        pseudonymized = getMetricGroup().counter("usersPseudonymized");
        fromRecent = getMetricGroup().counter("usersFromRecentPartials");
        admission.open();
    }

    @Override
    public void processElement(StreamRecord<String> element) throws Exception {
        boolean stamped = element.hasTimestamp();
        Validated<Interaction> v = admission.admit(element.getValue(), stamped, stamped ? element.getTimestamp() : 0,
                processingTime, pseudonym);
        if (!v.isValid()) {
            deadLetters.inc();
            output.collect(DeadLetters.TAG, new StreamRecord<>(v.deadLetter(), element.getTimestamp()));
            return;
        }
        // Admitted records carry the ts the source stamped (checked by the admission).
        Interaction i = v.value();
        aggregate(i, i.ts);
    }

    /** The interactions are this operator's own, parsed from the payloads: they may wait to be added in batches. */
    @Override
    boolean holdsBack() {
        return true;
    }

    @Override
    int fingerprintCapacity() {
        return INITIAL_FINGERPRINTS;
    }

    @Override
    void addUser(Interaction i, Held held) {
        if (i.user == null) {
            return;
        }
        long fingerprint = DistinctUsers.hash(i.user);
        if (seen(held, fingerprint)) {
            return;
        }
        long h = pseudonymHash(i.user, fingerprint, held);
        if (!remember(held, fingerprint, h)) {
            held.users.addHash(h); // beyond the remembered users: straight into the set (it ignores repeats)
        }
    }

    /**
     * {@link DistinctUsers#hash} of the user's pseudonym: from a recent partial of the same group,
     * from the cache, or computed (an HMAC) and cached.
     */
    private long pseudonymHash(String user, long fingerprint, Held held) {
        Held recent = recentOf(held);
        long h = recent == null ? PseudonymHashCache.ABSENT : recent.pseudonymHashOf(fingerprint);
        if (h != PseudonymHashCache.ABSENT) {
            fromRecent.inc();
            return h;
        }
        h = pseudonymHashes.get(fingerprint);
        if (h == PseudonymHashCache.ABSENT) {
            pseudonymized.inc();
            h = DistinctUsers.hash(pseudonymizer.pseudonym(user));
            pseudonymHashes.put(fingerprint, h);
        }
        return h;
    }

    /**
     * True if the user with this fingerprint is remembered in the partial (counted already). Two
     * users of one group and window with the same fingerprint (odds about n^2 / 2^63) count as one:
     * a count too low by one, the safe side for k-anonymity.
     */
    static boolean seen(Held held, long fingerprint) {
        long[] seen = held.fingerprints;
        int n = held.fingerprintCount;
        for (int k = 0; k < n; k++) {
            if (seen[k] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers a user not {@link #seen} with its pseudonym hash, if there is room; false when
     * {@link #REMEMBERED_USERS} are remembered already (such users are looked up again each time).
     */
    static boolean remember(Held held, long fingerprint, long pseudonymHash) {
        int n = held.fingerprintCount;
        if (n == REMEMBERED_USERS) {
            return false;
        }
        if (n == held.fingerprints.length) {
            int grown = Math.min(REMEMBERED_USERS, Math.max(1, n * 2));
            held.fingerprints = Arrays.copyOf(held.fingerprints, grown);
            held.pseudonymHashes = Arrays.copyOf(held.pseudonymHashes, grown);
        }
        held.fingerprints[n] = fingerprint;
        held.pseudonymHashes[n] = pseudonymHash;
        held.fingerprintCount = n + 1;
        return true;
    }

    /** How many pseudonyms were computed for partials so far (tests: at most once per user, group and window). */
    long pseudonymizations() {
        addPending();
        return pseudonymized.getCount();
    }

    /** How many users' pseudonym hashes came from a recent partial of their group (tests). */
    long usersFromRecentPartials() {
        addPending();
        return fromRecent.getCount();
    }

    @Override
    void late(Interaction i, long timestamp) {
        i.user = i.user == null ? null : pseudonymizer.pseudonym(i.user);
        output.collect(lateTag, new StreamRecord<>(i, timestamp));
    }
}
