package dev.prescale.connectors.aws;

import dev.prescale.connectors.records.ScalingDecision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Versioned binary form of {@link AutoScalingWriterState}. A pending decision keeps the fields the
 * sink acts on and logs; its per-resource assessments are not needed to apply it and are dropped.
 */
public final class AutoScalingWriterStateSerializer implements SimpleVersionedSerializer<AutoScalingWriterState> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(AutoScalingWriterState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.lastSettled().size());
            for (Map.Entry<String, Long> e : state.lastSettled().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(state.pending().size());
            for (ScalingDecision d : state.pending().values()) {
                out.writeUTF(d.target);
                out.writeLong(d.timestamp);
                out.writeInt(d.desiredCapacity);
                out.writeInt(d.warmPoolSize);
                out.writeInt(d.currentCapacity);
                out.writeInt(d.change);
                out.writeDouble(d.confidence);
                writeNullable(out, d.riskLevel);
                writeNullable(out, d.policy);
                writeNullable(out, d.modelVersion);
                writeNullable(out, d.reason);
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public AutoScalingWriterState deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown AutoScalingWriterState version " + version);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            Map<String, Long> settled = new TreeMap<>();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                settled.put(in.readUTF(), in.readLong());
            }
            Map<String, ScalingDecision> pending = new TreeMap<>();
            int m = in.readInt();
            for (int i = 0; i < m; i++) {
                ScalingDecision d = new ScalingDecision();
                d.target = in.readUTF();
                d.timestamp = in.readLong();
                d.desiredCapacity = in.readInt();
                d.warmPoolSize = in.readInt();
                d.currentCapacity = in.readInt();
                d.change = in.readInt();
                d.confidence = in.readDouble();
                d.riskLevel = readNullable(in);
                d.policy = readNullable(in);
                d.modelVersion = readNullable(in);
                d.reason = readNullable(in);
                pending.put(d.target, d);
            }
            return new AutoScalingWriterState(settled, pending);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            // writeUTF takes at most 64 KiB; a reason is a sentence, so cutting a runaway one is harmless.
            out.writeUTF(s.length() > 8000 ? s.substring(0, 8000) : s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
