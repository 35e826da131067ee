package dev.prescale.job.pipeline;

import java.util.Arrays;

/**
 * A target's sum of some of its groups' forecasts for one window ({@link TargetPreAggregator}), and
 * the notes {@link TargetWindow#merge} needs to keep the ones {@link TargetWindow#add} would have
 * kept. A Flink POJO.
 */
public class TargetPartial {
    public String target;
    public TargetWindow sums = new TargetWindow();
    /** The group of each note in {@link #notes}. */
    public String[] noteGroups = new String[0];
    /** Each note text of the forecasts summed, once, in the order they came. */
    public String[] notes = new String[0];

    public TargetPartial() {}

    /** An empty partial of a target. */
    public TargetPartial(String target) {
        this.target = target;
    }

    /** A partial of one forecast. */
    public static TargetPartial of(GroupForecast f) {
        TargetPartial p = new TargetPartial(f.target);
        p.add(f);
        return p;
    }

    /** Adds one forecast of this partial's target and window. */
    public void add(GroupForecast f) {
        sums.add(f);
        addNote(f.group, f.note);
    }

    /** Adds another partial of this target and window (two subtasks' held partials after a rescale). */
    public void merge(TargetPartial other) {
        sums.merge(other);
        for (int i = 0; i < other.notes.length; i++) {
            addNote(other.noteGroups[i], other.notes[i]);
        }
    }

    private void addNote(String group, String text) {
        if (text != null && !text.isEmpty() && !Arrays.asList(notes).contains(text)) {
            // A repeated text changes nothing in TargetWindow's notes: its first group was kept or its text was there.
            noteGroups = Arrays.copyOf(noteGroups, noteGroups.length + 1);
            noteGroups[noteGroups.length - 1] = group;
            notes = Arrays.copyOf(notes, notes.length + 1);
            notes[notes.length - 1] = text;
        }
    }

    /** The window's end (epoch ms). */
    public long windowEnd() {
        return sums.windowEnd;
    }
}
