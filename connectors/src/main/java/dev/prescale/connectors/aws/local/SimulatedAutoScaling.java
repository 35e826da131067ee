package dev.prescale.connectors.aws.local;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated Auto Scaling service behind the local endpoint: groups with min, max and desired
 * capacity, instances that are Pending until their launch delay has passed and then InService, and
 * a warm pool whose instances are Warmed:Pending until prepared and then Warmed:{PoolState}. Time
 * comes from the injected clock; states are brought up to date on every call. Scale-out takes ready
 * warm instances first (warm delay) and launches the rest cold; scale-in cancels pending launches
 * first (newest first), then removes in-service ones; a warm-pool shrink drops preparing instances
 * first (newest first), then ready ones (EVALUATION.md). Thread-safe.
 */
public final class SimulatedAutoScaling {
    /** One simulated instance. */
    public static final class SimInstance {
        public final String id;
        /** Pending, InService, Warmed:Pending, Warmed:Stopped, Warmed:Running or Warmed:Hibernated. */
        public String state;
        public long readyAtMillis;
        /** Order of the last launch request: "newest first" means highest first. */
        long seq;

        SimInstance(String id, String state, long readyAtMillis, long seq) {
            this.id = id;
            this.state = state;
            this.readyAtMillis = readyAtMillis;
            this.seq = seq;
        }
    }

    /** The warm-pool configuration as PutWarmPool set it (-1: not set). */
    public static final class WarmPoolConfig {
        public final int minSize;
        public final int maxGroupPreparedCapacity;
        public final String poolState;
        public final boolean reuseOnScaleIn;

        public WarmPoolConfig(int minSize, int maxGroupPreparedCapacity, String poolState, boolean reuseOnScaleIn) {
            this.minSize = minSize;
            this.maxGroupPreparedCapacity = maxGroupPreparedCapacity;
            this.poolState = poolState;
            this.reuseOnScaleIn = reuseOnScaleIn;
        }
    }

    /** A consistent copy of one group's state, for answers and tests. */
    public static final class GroupView {
        public final String name;
        public final int minSize;
        public final int maxSize;
        public final int desiredCapacity;
        public final Instant createdTime;
        public final List<SimInstance> instances;
        public final WarmPoolConfig warmPool;
        public final List<SimInstance> warmInstances;
        /** The group's tags (key to value). */
        public final Map<String, String> tags;

        GroupView(Group g) {
            this.name = g.name;
            this.minSize = g.min;
            this.maxSize = g.max;
            this.desiredCapacity = g.desired;
            this.createdTime = g.created;
            this.instances = copy(g.instances);
            this.warmPool = g.warmPool;
            this.warmInstances = copy(g.warm);
            this.tags = Collections.unmodifiableMap(new TreeMap<>(g.tags));
        }

        public long count(String state) {
            return instances.stream().filter(i -> i.state.equals(state)).count()
                    + warmInstances.stream().filter(i -> i.state.equals(state)).count();
        }

        public int inService() {
            return (int) count("InService");
        }

        public int pending() {
            return (int) count("Pending");
        }

        public int warmReady() {
            return (int) warmInstances.stream().filter(i -> !i.state.equals("Warmed:Pending")).count();
        }

        public int warmPreparing() {
            return (int) count("Warmed:Pending");
        }

        @Override
        public String toString() {
            return name + " min=" + minSize + " max=" + maxSize + " desired=" + desiredCapacity + " inService=" + inService()
                    + " pending=" + pending() + " warmReady=" + warmReady() + " warmPreparing=" + warmPreparing();
        }

        private static List<SimInstance> copy(List<SimInstance> list) {
            List<SimInstance> out = new ArrayList<>();
            for (SimInstance i : list) {
                out.add(new SimInstance(i.id, i.state, i.readyAtMillis, i.seq));
            }
            return out;
        }
    }

    private static final class Group {
        final String name;
        final Instant created;
        int min;
        int max;
        int desired;
        final List<SimInstance> instances = new ArrayList<>();
        WarmPoolConfig warmPool;
        final List<SimInstance> warm = new ArrayList<>();
        final Map<String, String> tags = new TreeMap<>();

        Group(String name, int min, int max, Instant created) {
            this.name = name;
            this.min = min;
            this.max = max;
            this.created = created;
        }
    }

    private final Clock clock;
    private final LaunchTimings timings;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private long nextSeq = 1;

    public SimulatedAutoScaling(Clock clock, LaunchTimings timings) {
        this.clock = clock;
        this.timings = timings;
    }

    public LaunchTimings timings() {
        return timings;
    }

    /** Creates a group whose {@code desired} instances are already in service. */
    public synchronized void createGroup(String name, int min, int max, int desired) {
        if (name == null || name.isBlank()) {
            throw AutoScalingApiException.validation("AutoScalingGroupName is required");
        }
        if (groups.containsKey(name)) {
            throw new AutoScalingApiException(400, "AlreadyExists", "AutoScalingGroup by this name already exists - " + name);
        }
        if (min < 0 || max < min || desired < min || desired > max) {
            throw AutoScalingApiException.validation("need 0 <= MinSize <= DesiredCapacity <= MaxSize, got " + min + "/" + desired + "/" + max);
        }
        Group g = new Group(name, min, max, clock.instant());
        g.desired = desired;
        for (int i = 0; i < desired; i++) {
            g.instances.add(newInstance("InService", clock.millis()));
        }
        groups.put(name, g);
    }

    /** Views of the named groups (all groups when {@code names} is empty); unknown names are left out. */
    public synchronized List<GroupView> describe(Collection<String> names) {
        List<GroupView> out = new ArrayList<>();
        for (Group g : groups.values()) {
            if (names.isEmpty() || names.contains(g.name)) {
                advance(g);
                out.add(new GroupView(g));
            }
        }
        return out;
    }

    /** One group's view, or an AWS validation error when it does not exist. */
    public synchronized GroupView group(String name) {
        Group g = existing(name);
        advance(g);
        return new GroupView(g);
    }

    public synchronized void setDesiredCapacity(String name, int desired) {
        Group g = existing(name);
        advance(g);
        if (desired > g.max) {
            throw AutoScalingApiException.validation("New SetDesiredCapacity value " + desired
                    + " is above max value " + g.max + " for the AutoScalingGroup.");
        }
        if (desired < g.min) {
            throw AutoScalingApiException.validation("New SetDesiredCapacity value " + desired
                    + " is below min value " + g.min + " for the AutoScalingGroup.");
        }
        g.desired = desired;
        reconcile(g);
    }

    public synchronized void putWarmPool(String name, int minSize, int maxGroupPreparedCapacity, String poolState, boolean reuseOnScaleIn) {
        Group g = existing(name);
        advance(g);
        if (minSize < 0) {
            throw AutoScalingApiException.validation("MinSize must not be negative");
        }
        if (maxGroupPreparedCapacity != -1 && maxGroupPreparedCapacity < minSize) {
            throw AutoScalingApiException.validation("MaxGroupPreparedCapacity must be at least MinSize");
        }
        String state = poolState == null ? "Stopped" : poolState;
        if (!(state.equals("Stopped") || state.equals("Running") || state.equals("Hibernated"))) {
            throw AutoScalingApiException.validation("PoolState must be Stopped, Running or Hibernated");
        }
        g.warmPool = new WarmPoolConfig(minSize, maxGroupPreparedCapacity, state, reuseOnScaleIn);
        for (SimInstance i : g.warm) {
            if (!i.state.equals("Warmed:Pending")) {
                i.state = "Warmed:" + state;
            }
        }
        reconcile(g);
    }

    /** CreateOrUpdateTags for one tag of one group. */
    public synchronized void tag(String name, String key, String value) {
        Group g = existing(name);
        if (key == null || key.isEmpty() || key.length() > 128 || (value != null && value.length() > 256)) {
            throw AutoScalingApiException.validation("tag keys are 1-128 characters, values at most 256");
        }
        g.tags.put(key, value == null ? "" : value);
    }

    public synchronized void deleteWarmPool(String name) {
        Group g = existing(name);
        g.warmPool = null;
        g.warm.clear();
    }

    /** The warm-pool size AWS maintains: max(MinSize, MaxGroupPreparedCapacity (or MaxSize) - desired). */
    static int warmPoolTarget(int minSize, int maxPrepared, int maxSize, int desired) {
        int cap = maxPrepared >= 0 ? maxPrepared : maxSize;
        return Math.max(minSize, Math.max(0, cap - desired));
    }

    private Group existing(String name) {
        Group g = groups.get(name);
        if (g == null) {
            throw AutoScalingApiException.validation("AutoScalingGroup name not found - AutoScalingGroup '" + name + "' not found");
        }
        return g;
    }

    private SimInstance newInstance(String state, long readyAt) {
        long seq = nextSeq++;
        return new SimInstance(String.format("i-%017x", seq), state, readyAt, seq);
    }

    /** Moves instances whose delay has passed to their next state. */
    private void advance(Group g) {
        long now = clock.millis();
        for (SimInstance i : g.instances) {
            if (i.state.equals("Pending") && i.readyAtMillis <= now) {
                i.state = "InService";
            }
        }
        for (SimInstance i : g.warm) {
            if (i.state.equals("Warmed:Pending") && i.readyAtMillis <= now) {
                i.state = "Warmed:" + (g.warmPool == null ? "Stopped" : g.warmPool.poolState);
            }
        }
    }

    private void reconcile(Group g) {
        long now = clock.millis();
        int have = g.instances.size();
        if (g.desired > have) {
            int need = g.desired - have;
            // Ready warm instances first (oldest first), each in service after the warm delay.
            List<SimInstance> ready = new ArrayList<>();
            for (SimInstance i : g.warm) {
                if (!i.state.equals("Warmed:Pending")) {
                    ready.add(i);
                }
            }
            ready.sort(Comparator.comparingLong(i -> i.seq));
            for (int k = 0; k < need && k < ready.size(); k++) {
                SimInstance w = ready.get(k);
                g.warm.remove(w);
                w.state = "Pending";
                w.seq = nextSeq++;
                w.readyAtMillis = now + timings.warmLaunchMillis();
                g.instances.add(w);
            }
            while (g.instances.size() < g.desired) {
                g.instances.add(newInstance("Pending", now + timings.coldLaunchMillis()));
            }
        } else if (g.desired < have) {
            List<SimInstance> removed = new ArrayList<>();
            removeNewestFirst(g.instances, "Pending", have - g.desired, removed);
            removeNewestFirst(g.instances, "InService", g.instances.size() - g.desired, removed);
            if (g.warmPool != null && g.warmPool.reuseOnScaleIn) {
                for (SimInstance r : removed) {
                    if (r.state.equals("InService")) {
                        r.state = "Warmed:" + g.warmPool.poolState;
                        g.warm.add(r);
                    }
                }
            }
        }
        if (g.warmPool != null) {
            int target = warmPoolTarget(g.warmPool.minSize, g.warmPool.maxGroupPreparedCapacity, g.max, g.desired);
            while (g.warm.size() < target) {
                g.warm.add(newInstance("Warmed:Pending", now + timings.warmPrepareMillis()));
            }
            if (g.warm.size() > target) {
                int excess = g.warm.size() - target;
                List<SimInstance> dropped = new ArrayList<>();
                removeNewestFirst(g.warm, "Warmed:Pending", excess, dropped);
                excess -= dropped.size();
                g.warm.sort(Comparator.comparingLong(i -> i.seq));
                for (int k = 0; k < excess; k++) {
                    g.warm.remove(g.warm.size() - 1);
                }
            }
        }
    }

    private static void removeNewestFirst(List<SimInstance> list, String state, int count, List<SimInstance> removed) {
        List<SimInstance> matching = new ArrayList<>();
        for (SimInstance i : list) {
            if (i.state.equals(state)) {
                matching.add(i);
            }
        }
        matching.sort(Comparator.comparingLong((SimInstance i) -> i.seq).reversed());
        for (int k = 0; k < count && k < matching.size(); k++) {
            list.remove(matching.get(k));
            removed.add(matching.get(k));
        }
    }
}
