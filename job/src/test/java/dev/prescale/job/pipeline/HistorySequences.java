package dev.prescale.job.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random window sequences of one group as the window operator can emit them: mostly the
 * next window, gaps (some longer than the context), duplicates, updates of seen windows and late
 * first emissions of unseen ones, all within the context of the latest window.
 */
final class HistorySequences {
    static final long W = 60_000;
    static final long BASE = 1_767_225_600_000L / W;

    private HistorySequences() {}

    static List<GroupWindow> random(String group, long seed, int steps, int capacity) {
        Random rnd = new Random(seed);
        List<GroupWindow> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long last = BASE;
        for (int step = 0; step < steps; step++) {
            double r = rnd.nextDouble();
            long n;
            boolean update = false;
            if (out.isEmpty() || r < 0.6) {
                n = ++last;
            } else if (r < 0.7) {
                last += 2 + rnd.nextInt(capacity + 3);
                n = last;
            } else if (r < 0.8) {
                n = last; // the same window again (a re-firing without the update flag)
            } else {
                // A window of the context: an update when it was seen, a late first emission when not.
                n = last - rnd.nextInt(Math.min(capacity, 8));
                update = seen.contains(n) && rnd.nextDouble() < 0.8;
            }
            seen.add(n);
            out.add(window(group, n, rnd, update));
        }
        return out;
    }

    static GroupWindow window(String group, long number, Random rnd, boolean update) {
        GroupWindow w = new GroupWindow();
        w.group = group;
        w.windowEnd = number * W;
        w.windowStart = w.windowEnd - W;
        w.cpuCores = rnd.nextDouble() * 40;
        w.memoryMb = rnd.nextDouble() * 9000;
        w.networkBytesPerSecond = rnd.nextDouble() * 1e7;
        w.bytesWritten = rnd.nextDouble() < 0.3 ? 0 : rnd.nextInt(1_000_000) + rnd.nextDouble();
        w.apiCalls = rnd.nextInt(500);
        w.dataAccesses = rnd.nextInt(300);
        w.uiEvents = rnd.nextInt(100);
        w.distinctUsers = 1 + rnd.nextInt(50);
        w.update = update;
        return w;
    }
}
