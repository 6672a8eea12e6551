package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.DatasetSource;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.io.HadoopFiles;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Where the similarity and sweep stages compute and measure: a run's experiment, or one model outside a run
 * ({@link TargetSweep}).
 *
 * @param sc         the Spark context their tasks run in
 * @param input      the networks' input (channels, height, width)
 * @param policy     how residual channels are grouped
 * @param source     the dataset
 * @param validation the validation images: indices into the training split
 * @param batches    how validation images are batched and normalised
 * @param say        where progress lines go
 * @param sweepCells the file that keeps sweep accuracies for a digest (hex SHA-256) of network and validation
 *                   images ({@link MeasuredCells}), or null: measured every time
 */
record SweepContext(JavaSparkContext sc, InputType input, ResidualPolicy policy, DatasetSource source, int[] validation,
                    Batches batches, Consumer<String> say, Function<String, String> sweepCells) {

    /**
     * The sweep cells measured before on {@code network} here (none when nothing is kept); close it when the
     * sweep's cells are recorded.
     */
    MeasuredCells measuredCells(ComputationGraph network) {
        return sweepCells == null ? MeasuredCells.none() : MeasuredCells.of(sweepCells, network, this);
    }

    /**
     * What makes the validation batches what they are, as text: the dataset (its qualified location, format, image
     * shape and classes), every validation index, and the batches (size, classes, normalisation, augmentation).
     * Equal texts mean the same images, labels and normalisation.
     */
    String validationIdentity() {
        return HadoopFiles.qualified(source.location()) + " " + source.format() + " " + source.shape() + " "
                + source.numClasses() + " " + source.classNames() + " " + java.util.Arrays.toString(validation) + " "
                + batches;
    }

    /**
     * Runs {@code work}'s Spark jobs over {@code network}, broadcast to the executors once, under the description
     * {@code job} (the Spark UI's, the prune command's progress bar); afterwards the broadcast is freed and the
     * thread's description (an experiment's, in a run) restored.
     */
    <T> T overNetwork(String job, ComputationGraph network, Function<Broadcast<byte[]>, T> work) {
        Broadcast<byte[]> weights = sc.broadcast(SweepTasks.serialise(network));
        String description = sc.getLocalProperty("spark.job.description");
        sc.setJobDescription(job);
        try {
            return work.apply(weights);
        } finally {
            sc.setJobDescription(description);
            weights.destroy();
        }
    }
}
