package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.DatasetSource;
import dev.diversify.graph.ResidualPolicy;
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
 * @param cellCache  where sweep accuracies are kept for a digest of network and validation images
 *                   ({@link MeasuredCells}), or null: measured every time
 */
record SweepContext(JavaSparkContext sc, InputType input, ResidualPolicy policy, DatasetSource source, int[] validation,
                    Batches batches, Consumer<String> say, Function<String, String> cellCache) {

    /** The sweep cells measured before on {@code network} here (none when nothing is kept). */
    MeasuredCells measuredCells(ComputationGraph network) {
        return cellCache == null ? MeasuredCells.none() : MeasuredCells.of(cellCache, network, this);
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
