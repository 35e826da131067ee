package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.history.HistoryHead;
import java.lang.reflect.Field;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.DoubleSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A history head written before the summary fields existed (the POJO serializer of its six fields,
 * with its snapshot, as a checkpoint holds them) restores into the current class with empty
 * summaries, which the history operator takes as "make them now".
 */
class HistoryHeadEvolutionTest {

    @Test
    void aHeadWrittenWithoutTheSummaryFieldsRestoresWithoutSummaries() throws Exception {
        SerializerConfigImpl config = new SerializerConfigImpl();
        // The fields of the head before summaries, in the order Flink's POJO analysis gives (by name).
        String[] names = {"chunkWindows", "firstWindowEnd", "lastWindowEnd", "oldestChunk", "storageTotal", "windowMillis"};
        TypeSerializer<?>[] serializers = {IntSerializer.INSTANCE, LongSerializer.INSTANCE, LongSerializer.INSTANCE,
            LongSerializer.INSTANCE, DoubleSerializer.INSTANCE, LongSerializer.INSTANCE};
        Field[] fields = new Field[names.length];
        for (int i = 0; i < names.length; i++) {
            fields[i] = HistoryHead.class.getField(names[i]);
        }
        PojoSerializer<HistoryHead> previous = new PojoSerializer<>(HistoryHead.class, serializers, fields, config);
        HistoryHead written = new HistoryHead();
        written.windowMillis = 60_000;
        written.chunkWindows = 60;
        written.firstWindowEnd = 1_000 * 60_000L;
        written.lastWindowEnd = 3_879 * 60_000L;
        written.storageTotal = 12_345.5;
        written.oldestChunk = 16;
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, previous.snapshotConfiguration());
        previous.serialize(written, out);

        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<HistoryHead> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());
        TypeSerializer<HistoryHead> current = TypeInformation.of(HistoryHead.class).createSerializer(config);
        TypeSerializerSchemaCompatibility<HistoryHead> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(snapshot);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        HistoryHead restored = snapshot.restoreSerializer().deserialize(in);
        assertThat(restored).usingRecursiveComparison().ignoringFields("summaries", "maxAbs", "summaryKey", "summaryPlan")
                .isEqualTo(written);
        assertThat(restored.summaries).isNull();
        assertThat(restored.maxAbs).isNull();

        // Migrated: the current serializer keeps the new fields.
        restored.summaries = new double[] {1, 2, 3};
        restored.maxAbs = new double[] {4, 5, 6, 7};
        restored.summaryKey = 99;
        DataOutputSerializer again = new DataOutputSerializer(256);
        current.serialize(restored, again);
        HistoryHead back = current.deserialize(new DataInputDeserializer(again.getCopyOfBuffer()));
        assertThat(back).usingRecursiveComparison().isEqualTo(restored);
    }
}
