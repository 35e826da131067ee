package dev.prescale.job.reliability;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Counts the records of each key in a {@link ProbeCounter} kept in keyed state and emits the count. */
public class ProbeCounterFunction extends KeyedProcessFunction<String, String, String> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<ProbeCounter> counter;

    @Override
    public void open(OpenContext openContext) {
        counter = getRuntimeContext().getState(new ValueStateDescriptor<>("probe", TypeInformation.of(ProbeCounter.class)));
    }

    @Override
    public void processElement(String key, Context ctx, Collector<String> out) throws Exception {
        ProbeCounter c = counter.value();
        if (c == null) {
            c = new ProbeCounter();
            c.name = key;
        }
        c.count++;
        counter.update(c);
        out.collect(key + "=" + c.count);
    }
}
