package dev.prescale.connectors.records;

import java.util.Objects;

/**
 * One anonymized-or-raw user interaction from the {@code interactions} topic (see DESIGN.md).
 *
 * <p>A Flink POJO: public fields and a no-argument constructor. Optional numeric fields are
 * {@code null} when absent. After the job's first operator {@code user} holds the HMAC of the raw
 * id, never the raw id.
 */
public class Interaction {

    /** The kinds of interaction that applications publish. */
    public enum Kind {
        API_CALL,
        DATA_ACCESS,
        UI
    }

    public long ts;
    public String user;
    public String group;
    public Kind kind;
    public String name;
    public Double cpuMillis;
    public Double durationMs;
    public Double memMb;
    public Double bytesRead;
    public Double bytesWritten;
    public Double netBytes;

    public Interaction() {}

    public Interaction(long ts, String user, String group, Kind kind) {
        this.ts = ts;
        this.user = user;
        this.group = group;
        this.kind = kind;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Interaction)) {
            return false;
        }
        Interaction that = (Interaction) o;
        return ts == that.ts
                && Objects.equals(user, that.user)
                && Objects.equals(group, that.group)
                && kind == that.kind
                && Objects.equals(name, that.name)
                && Objects.equals(cpuMillis, that.cpuMillis)
                && Objects.equals(durationMs, that.durationMs)
                && Objects.equals(memMb, that.memMb)
                && Objects.equals(bytesRead, that.bytesRead)
                && Objects.equals(bytesWritten, that.bytesWritten)
                && Objects.equals(netBytes, that.netBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ts, user, group, kind, name);
    }

    @Override
    public String toString() {
        // The user field is deliberately left out: it may still be raw before anonymization.
        return "Interaction{ts=" + ts + ", group=" + group + ", kind=" + kind + ", name=" + name + "}";
    }
}
