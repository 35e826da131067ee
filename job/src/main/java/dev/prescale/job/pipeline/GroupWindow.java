package dev.prescale.job.pipeline;

/**
 * One group's demand in one closed window, in the units of DESIGN.md: CPU cores, memory MB (average
 * held), network bytes/s, and the bytes written in the window (storage becomes a running level in
 * {@link GroupHistoryFunction}). Counts per kind and distinct users are the forecaster's covariates.
 */
public class GroupWindow {
    public String group;
    public long windowStart;
    public long windowEnd;
    public double cpuCores;
    public double memoryMb;
    public double networkBytesPerSecond;
    public double bytesWritten;
    public long apiCalls;
    public long dataAccesses;
    public long uiEvents;
    public int distinctUsers;
    /** Ids of the users (hashes of their pseudonyms, {@link DistinctUsers#ids}), only between the window and k-anonymity; null afterwards. */
    public String[] users;
    /** True for a re-emission of an already emitted window (late records within allowed lateness). */
    public boolean update;
    /** How many source groups were merged into this one (1 for a group on its own). */
    public int sourceGroups = 1;

    public GroupWindow() {}

    /** Adds another group's window into this one (for the merged {@code _other} group). */
    public void add(GroupWindow o) {
        cpuCores += o.cpuCores;
        memoryMb += o.memoryMb;
        networkBytesPerSecond += o.networkBytesPerSecond;
        bytesWritten += o.bytesWritten;
        apiCalls += o.apiCalls;
        dataAccesses += o.dataAccesses;
        uiEvents += o.uiEvents;
        sourceGroups += o.sourceGroups;
    }

    @Override
    public String toString() {
        return "GroupWindow{group=" + group + ", end=" + windowEnd + ", cpu=" + cpuCores + ", mem=" + memoryMb
                + ", net=" + networkBytesPerSecond + ", written=" + bytesWritten + ", users=" + distinctUsers
                + ", update=" + update + "}";
    }
}
