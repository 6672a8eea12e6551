package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.DatasetSource;
import dev.diversify.graph.ResidualPolicy;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;

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
 */
record SweepContext(JavaSparkContext sc, InputType input, ResidualPolicy policy, DatasetSource source, int[] validation,
                    Batches batches, Consumer<String> say) {
}
