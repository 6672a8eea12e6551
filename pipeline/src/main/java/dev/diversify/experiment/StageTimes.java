package dev.diversify.experiment;

import dev.diversify.io.HadoopFiles;
import dev.diversify.results.RunLayout;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run's time went: every completed stage's wall time, from its marker ({@link Stages}), and for training
 * stages their epochs and training throughput. Stages that were skipped on a resume keep the time of the attempt
 * that completed them.
 */
public final class StageTimes {
    private StageTimes() {
    }

    /**
     * One completed stage.
     *
     * @param seconds       wall time of the stage, seconds
     * @param epochs        training epochs (0 for stages that do not train)
     * @param epochSeconds  the epochs' wall time, seconds (validation after each epoch included)
     * @param images        training images per epoch (0 for stages that do not train)
     */
    public record StageTime(String experiment, String stage, double seconds, int epochs, double epochSeconds,
                            long images) {
        /** Training images per second over the epochs (validation included), or NaN for stages that do not train. */
        public double imagesPerSecond() {
            return epochs == 0 ? Double.NaN : epochs * (double) images / epochSeconds;
        }
    }

    /**
     * Every completed stage of the run in {@code runDirectory}, experiment by experiment (by name), each
     * experiment's stages in the order they completed.
     *
     * @throws UncheckedIOException when a marker cannot be read or does not hold its stage's result
     */
    public static List<StageTime> of(String runDirectory) {
        RunLayout layout = new RunLayout(runDirectory);
        List<StageTime> times = new ArrayList<>();
        for (String directory : HadoopFiles.list(layout.stages()).stream().sorted().toList()) {
            String experiment = directory.substring(directory.lastIndexOf('/') + 1);
            String dataMarker = layout.stageMarker(experiment, "data");
            long images = HadoopFiles.exists(dataMarker)
                    ? Stages.read(dataMarker, StageResults.Data.class).result().train() : 0;
            for (String marker : HadoopFiles.list(directory)) {
                String name = marker.substring(marker.lastIndexOf('/') + 1);
                if (name.startsWith(".") || !name.endsWith(".json")) {
                    continue; // settings, staging files of a writer that was killed
                }
                String stage = name.substring(0, name.length() - ".json".length());
                Class<?> type = stage.equals("baseline") ? StageResults.Baseline.class
                        : stage.startsWith("retrain-") || stage.startsWith("fine-tune-") ? StageResults.Retrained.class
                        : Object.class;
                Stages.Recorded<?> recorded = Stages.read(marker, type);
                List<Epoch> history = recorded.result() instanceof StageResults.Baseline b ? b.history()
                        : recorded.result() instanceof StageResults.Retrained r ? r.history() : List.of();
                times.add(new StageTime(experiment, stage, recorded.seconds(), history.size(),
                        history.stream().mapToDouble(Epoch::seconds).sum(), history.isEmpty() ? 0 : images));
            }
        }
        return times;
    }

    /** {@code times} as a Markdown table: experiment, stage, wall time, epochs, training images/s. */
    public static String markdown(List<StageTime> times) {
        StringBuilder md = new StringBuilder("\n### Wall time of every stage\n\n| experiment | stage | wall time (s) "
                + "| epochs | training images/s |\n|---|---|---|---|---|\n");
        for (StageTime t : times) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %s |%n", t.experiment(), t.stage(),
                    t.seconds(), t.epochs() == 0 ? "" : t.epochs() + " x " + String.format(Locale.ROOT, "%,d",
                            t.images()), t.epochs() == 0 ? "" : String.format(Locale.ROOT, "%.1f",
                            t.imagesPerSecond())));
        }
        return md.toString();
    }
}
