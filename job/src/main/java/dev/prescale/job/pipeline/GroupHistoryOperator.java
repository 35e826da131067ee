package dev.prescale.job.pipeline;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a {@link GroupHistoryFunction} with its heads written behind: the function keeps a cached
 * group's newest head in heap between checkpoints, and this operator has it write them to keyed
 * state in {@link #snapshotState}, which Flink calls just before it snapshots the keyed state
 * backend (so every checkpoint and savepoint holds each group's head as of the barrier). The state
 * and its layout are the function's, as under a plain {@link KeyedProcessOperator}: savepoints of
 * either restore into the other.
 */
public class GroupHistoryOperator extends KeyedProcessOperator<String, GroupWindow, ForecastTask> {
    private static final long serialVersionUID = 1L;

    private final GroupHistoryFunction history;

    public GroupHistoryOperator(GroupHistoryFunction history) {
        super(history);
        this.history = history;
    }

    @Override
    public void open() throws Exception {
        super.open();
        history.writeHeadsBehind();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        flushHeads();
    }

    /** Writes the heads changed since the last flush to keyed state (what each snapshot does first; benchmarks). */
    public void flushHeads() throws Exception {
        Object key = getCurrentKey();
        history.flushHeads(this::setCurrentKey);
        if (key != null) {
            setCurrentKey(key); // as it was: the flush is not an element
        }
    }
}
