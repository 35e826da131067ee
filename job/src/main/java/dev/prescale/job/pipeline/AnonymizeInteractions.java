package dev.prescale.job.pipeline;

import dev.prescale.connectors.records.Interaction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * The first operator for sources that already deliver {@link Interaction} objects (a trace
 * replay): replaces the user id by its pseudonym; a missing user becomes the pseudonym of "".
 */
public class AnonymizeInteractions extends RichMapFunction<Interaction, Interaction> {
    private static final long serialVersionUID = 1L;

    private final HmacKeySource keySource;
    private transient UserPseudonymizer pseudonymizer;

    public AnonymizeInteractions(HmacKeySource keySource) {
        this.keySource = keySource;
    }

    @Override
    public void open(OpenContext openContext) {
        pseudonymizer = new UserPseudonymizer(keySource.load());
    }

    @Override
    public Interaction map(Interaction in) {
        Interaction out = copy(in);
        out.user = pseudonymizer.pseudonym(in.user == null ? "" : in.user);
        return out;
    }

    private static Interaction copy(Interaction in) {
        Interaction c = new Interaction(in.ts, in.user, in.group, in.kind);
        c.name = in.name;
        c.cpuMillis = in.cpuMillis;
        c.durationMs = in.durationMs;
        c.memMb = in.memMb;
        c.bytesRead = in.bytesRead;
        c.bytesWritten = in.bytesWritten;
        c.netBytes = in.netBytes;
        return c;
    }
}
