package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SparkDatasets;
import dev.diversify.data.Split;
import dev.diversify.data.SplitPlan;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.train.InputCheck;
import dev.diversify.train.SparkTrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A compression target on one trained model outside a run (the {@code prune --target-params} command): a
 * run's similarity stage, sweep and allocation (ALGORITHM.md, "Compression targets"), measured on a
 * validation split carved from a dataset's training files as a run carves it.
 */
public final class TargetSweep {
    private TargetSweep() {
    }

    /**
     * What the sweep chose.
     *
     * @param plan               the plan that reaches the target (groups left whole are absent)
     * @param taus               per pruned group, the threshold of its grid point (for a fraction grid, the
     *                           distance of the point's last removal)
     * @param validationAccuracy the model's top-1 accuracy on the validation images, a fraction
     * @param validationImages   how many validation images the sweep measured on
     */
    public record Allocated(PruningPlan plan, Map<String, Double> taus, double validationAccuracy,
                            int validationImages) {
    }

    /**
     * Sweeps every prunable group of {@code network} over {@code sweep}'s grid and allocates its target.
     *
     * @param sweep      a grid and a target objective ({@link Objective#TARGET} or {@link Objective#GLOBAL_TAU})
     * @param split      how the validation images are carved from the training split (its per-class subsets
     *                   select the training images the normalisation is computed on)
     * @param stats      the normalisation the model was trained with, or null: computed on the training images
     * @param batchSize  images per evaluation minibatch
     * @param say        where progress lines go
     * @throws IllegalArgumentException when the objective has no target, the data's images or classes are not
     *     what the model takes, or the grid cannot reach the target (naming what it reaches)
     */
    public static Allocated run(JavaSparkContext sc, ComputationGraph network, ResidualPolicy policy,
                                SweepSettings sweep, DatasetSource source, SplitPlan split, ChannelStats stats,
                                int batchSize, Consumer<String> say) {
        if (sweep.target() == null) {
            throw new IllegalArgumentException("a sweep outside a run needs a target objective");
        }
        InputType input = InputType.convolutional(source.shape().height(), source.shape().width(),
                source.shape().channels());
        InputCheck.requireFits(network, source); // on the driver, before any task fails on it
        int partitions = sc.defaultParallelism();
        SplitPlan.Selection selection = split.select(SparkDatasets.labels(sc, source, Split.TRAIN, partitions),
                SparkDatasets.labels(sc, source, Split.TEST, partitions), source.numClasses());
        ChannelStats normalisation = stats != null ? stats
                : SparkDatasets.channelStats(sc, source, Split.TRAIN, selection.train(), partitions);
        say.accept("normalisation " + normalisation);
        Batches batches = Batches.forEvaluation(batchSize, source.numClasses(), normalisation);
        double accuracy = new SparkTrainer(sc).accuracy(network, SparkDatasets.minibatches(sc, source, Split.TRAIN,
                selection.validation(), batches, 0, partitions));
        say.accept(String.format(java.util.Locale.ROOT, "validation accuracy %.4f on %d images", accuracy,
                selection.validation().length));
        SweepContext at = new SweepContext(sc, input, policy, source, selection.validation(), batches, say, null);
        StageResults.Similarity similarity = SimilarityStage.of(at, network, sweep);
        StageResults.Sweep result = SweepStage.of(at, network, sweep, similarity, accuracy, sweep.target().fraction());
        Map<String, int[]> kept = new LinkedHashMap<>();
        Map<String, Double> taus = new LinkedHashMap<>();
        result.chosen().forEach((group, point) -> {
            List<Integer> indices = similarity.groups().get(group).kept().get(point);
            kept.put(group, indices.stream().mapToInt(Integer::intValue).toArray());
            taus.put(group, similarity.groups().get(group).taus().get(point));
        });
        PruningPlan plan = PruningPlan.of(ChannelGraph.of(network.getConfiguration(), input), policy, kept);
        return new Allocated(plan, taus, accuracy, selection.validation().length);
    }
}
