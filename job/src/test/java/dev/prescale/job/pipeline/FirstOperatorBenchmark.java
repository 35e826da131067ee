package dev.prescale.job.pipeline;

import dev.prescale.connectors.json.InteractionValidator;
import dev.prescale.connectors.records.Interaction;
import dev.prescale.job.bench.InteractionLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * Side-by-side benchmark of the job's first operator (BENCHMARKS.md; not a test): the benchmark
 * topic's payloads, validated and stamped as the source does, through {@link ValidateAndAnonymize}
 * then {@link LocalDemandPreAggregator}, and through {@link AnonymizingPreAggregator}, and only
 * parsed as the throughput benchmark's pass-through does, one window of events each in turn (in
 * the reverse order every other window); prints nanoseconds per event and the per-window ratios
 * (parse only against the one operator: what the whole job's source thread adds to the
 * pass-through's, without a broker or a cluster). Run with
 * {@code scripts/benchmark.sh first-operator [--groups 10000 --per-group 50 --reps 6 --two true --order load]};
 * {@code --two false} leaves the two operators out (then {@code ratio=} is parse only / one operator);
 * {@code --order shuffled} puts each window's payloads in a random order (fixed seed) instead of the
 * load's, in which the groups come round by round in the same order: live traffic has no such order.
 */
public final class FirstOperatorBenchmark {

    private FirstOperatorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int groups = intArg(args, "--groups", 10_000);
        int perGroup = intArg(args, "--per-group", 50);
        int reps = intArg(args, "--reps", 6);
        // --two false: without the two operators (profiles of the one operator against the parse alone).
        String twoArg = stringArg(args, "--two", "true");
        if (!twoArg.equals("true") && !twoArg.equals("false")) {
            throw new IllegalArgumentException("--two takes true or false, not " + twoArg);
        }
        boolean two = twoArg.equals("true");
        String orderArg = stringArg(args, "--order", "load");
        if (!orderArg.equals("load") && !orderArg.equals("shuffled")) {
            throw new IllegalArgumentException("--order takes load or shuffled, not " + orderArg);
        }
        if (reps < 2) {
            throw new IllegalArgumentException("--reps must be at least 2 (the first repetition only warms the JIT): " + reps);
        }
        int windows = 4;
        long windowMillis = 60_000;
        InteractionLoad load = new InteractionLoad(groups, windows, perGroup, windowMillis, 2);
        int perWindow = groups * perGroup;
        String[] payloads = new String[perWindow * windows];
        int[] order = new int[payloads.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
        }
        if (orderArg.equals("shuffled")) {
            // Within each window only: every payload stays in its window, so none is late.
            Random rnd = new Random(42);
            for (int w = 0; w < windows; w++) {
                for (int j = perWindow - 1; j > 0; j--) {
                    int other = w * perWindow + rnd.nextInt(j + 1);
                    int swap = order[w * perWindow + j];
                    order[w * perWindow + j] = order[other];
                    order[other] = swap;
                }
            }
        }
        for (int j = 0; j < payloads.length; j++) {
            // Made in the order they are read, as a source's records are: shuffling made strings would
            // make reading the payloads themselves cache misses, which a source does not have.
            payloads[j] = load.payload(order[j]);
        }
        Path key = Files.createTempFile("first-operator-benchmark", ".key");
        Files.writeString(key, "benchmark-secret-0123456789abcdef\n");
        HmacKeySource keys = new HmacKeySource("UNUSED", key.toString());
        long skew = 86_400_000L;
        long now = InteractionLoad.START_MILLIS + 3_600_000L;
        SourceValidation.TimestampAssigner source = new SourceValidation.TimestampAssigner("interactions");

        OneInputStreamOperatorTestHarness<String, Interaction> validate = new OneInputStreamOperatorTestHarness<>(
                new ProcessOperator<>(new ValidateAndAnonymize("interactions", keys, skew, true)));
        validate.open();
        validate.setProcessingTime(now);
        InteractionValidator parseOnly = new InteractionValidator("interactions");
        long valid = 0;
        long[][] nanos = new long[3][reps * windows];
        int k = 0;
        for (int r = 0; r < reps; r++) {
            // Fresh operators each repetition: the same windows again, with watermarks from the start.
            OneInputStreamOperatorTestHarness<Interaction, PartialDemand> pre = new OneInputStreamOperatorTestHarness<>(
                    new LocalDemandPreAggregator(windowMillis, 0, 1_000_000, DemandWindows.LATE));
            pre.open();
            OneInputStreamOperatorTestHarness<String, PartialDemand> fused = new OneInputStreamOperatorTestHarness<>(
                    new AnonymizingPreAggregator("interactions", keys, skew, windowMillis, 0, 1_000_000, DemandWindows.LATE));
            fused.open();
            fused.setProcessingTime(now);
            for (int w = 0; w < windows; w++) {
                for (int step = 0; step < 3; step++) {
                    // Every other window in the reverse order: a variant that reads a window's payloads
                    // after another finds some of them still in the CPU caches (the same parse took up
                    // to 17 % less time second than first), so neither order may be fixed.
                    int variant = k % 2 == 0 ? step : 2 - step;
                    if (variant == 0 && !two) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    for (int j = w * perWindow; j < (w + 1) * perWindow; j++) {
                        String p = payloads[j];
                        if (variant == 2) {
                            // The pass-through's map: one parse, the result discarded.
                            valid += parseOnly.validate(p, 0).isValid() ? 1 : 0;
                            continue;
                        }
                        long ts = source.extractTimestamp(p, 0);
                        if (variant == 0) {
                            validate.processElement(new StreamRecord<>(p, ts));
                            Object o;
                            while ((o = validate.getOutput().poll()) != null) {
                                @SuppressWarnings("unchecked")
                                StreamRecord<Interaction> record = (StreamRecord<Interaction>) o;
                                pre.processElement(record);
                            }
                        } else {
                            fused.processElement(new StreamRecord<>(p, ts));
                        }
                    }
                    nanos[variant][k] = System.nanoTime() - t0;
                }
                Watermark end = new Watermark(InteractionLoad.START_MILLIS + (w + 1) * windowMillis - 1);
                pre.processWatermark(end);
                pre.getOutput().clear();
                fused.processWatermark(end);
                fused.getOutput().clear();
                k++;
            }
            pre.close();
            fused.close();
        }
        validate.close();
        Files.delete(key);
        if (valid != (long) reps * windows * perWindow) {
            throw new IllegalStateException("parse only: " + valid + " valid payloads");
        }
        String[] names = {"validate + pseudonymize -> pre-aggregate (two operators)", "validate + pseudonymize + pre-aggregate (one)",
            "parse only (the pass-through's map)"};
        for (int v = two ? 0 : 1; v < 3; v++) {
            long[] x = Arrays.copyOfRange(nanos[v], windows, k); // the first repetition warms the JIT
            Arrays.sort(x);
            System.out.printf("%-58s median %5.0f ns/event (min %5.0f, max %5.0f)%s%n", names[v],
                    x[x.length / 2] / (double) perWindow, x[0] / (double) perWindow, x[x.length - 1] / (double) perWindow,
                    v < 2 ? ", source's parse included" : "");
        }
        double[] parse = ratios(nanos[2], nanos[1], windows, k);
        String parseRatio = String.format("%.3f (parse only / one operator, per window side by side; min %.3f, max %.3f)",
                parse[parse.length / 2], parse[0], parse[parse.length - 1]);
        System.out.printf("groups=%d per_group=%d order=%s windows_timed=%d%n", groups, perGroup, orderArg, parse.length);
        if (!two) {
            System.out.println("ratio=" + parseRatio);
            return;
        }
        System.out.println("parse_only_over_one=" + parseRatio);
        double[] ratio = ratios(nanos[1], nanos[0], windows, k);
        System.out.printf("ratio=%.3f (one operator / two, per window side by side; min %.3f, max %.3f)%n",
                ratio[ratio.length / 2], ratio[0], ratio[ratio.length - 1]);
    }

    /** {@code a[i] / b[i]} for the timed windows {@code from <= i < to}, sorted. */
    private static double[] ratios(long[] a, long[] b, int from, int to) {
        double[] r = new double[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = a[i] / (double) b[i];
        }
        Arrays.sort(r);
        return r;
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, String.valueOf(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
