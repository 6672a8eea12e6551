package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.LabeledImages;
import dev.diversify.data.Split;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.PlanBuilder;
import dev.diversify.prune.Selection;
import dev.diversify.prune.Similarity;
import dev.diversify.surgery.Surgery;
import dev.diversify.train.SparkTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The distributed steps of threshold selection. The similarity stage runs one Spark task per
 * group (its cosine matrix once, then the rule at every threshold of the grid); the sweep runs one
 * task per (group, threshold) cell that removes filters: it prunes only that group of the network swept
 * and measures validation accuracy. Task inputs and results are plain classes: Spark's Kryo cannot
 * serialise records.
 */
final class SweepTasks {
    private SweepTasks() {
    }

    /** One group's kept filters at each threshold of the grid. */
    static final class GroupSelections implements Serializable {
        String group;
        int channels;
        double[] taus;
        int[][] kept;
    }

    /** One sweep cell: a group pruned alone to {@code kept}, and the validation accuracy measured. */
    static final class Cell implements Serializable {
        String group;
        int[] kept;
        double accuracy = Double.NaN;

        static Cell of(Decisions.CellToMeasure toMeasure) {
            Cell cell = new Cell();
            cell.group = toMeasure.group();
            cell.kept = toMeasure.kept().stream().mapToInt(Integer::intValue).toArray();
            return cell;
        }

        Decisions.CellToMeasure toMeasure() {
            return new Decisions.CellToMeasure(group, Arrays.stream(kept).boxed().toList());
        }
    }

    /**
     * Validation batches of this JVM, read once per validation key however many tasks need them;
     * the two most recent are kept, so concurrent experiments do not pile them up.
     */
    private static final Map<String, List<DataSet>> VALIDATION = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(4, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, List<DataSet>> eldest) {
                    return size() > 2;
                }
            });

    static byte[] serialise(ComputationGraph network) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(network, bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ComputationGraph restore(byte[] bytes) {
        dev.diversify.backend.OneDnn.enableHelpers();
        try {
            return dev.diversify.backend.OneDnn.useOwnHelpers(
                    ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each group's kept filters at every grid point: thresholds ({@code byFraction} false) or fractions of
     * the group's filters removed. A fraction takes the first removals of the rule's removal order (the rule
     * at tau = 2, the spec's minKeep kept); its threshold is the distance of its last removal (0 when only
     * dead filters, or none, go). ALGORITHM.md, "The removal order, and grids by fraction".
     */
    static List<GroupSelections> selections(JavaSparkContext sc, Broadcast<byte[]> model, InputType input,
                                            ResidualPolicy policy, List<PruningGroup> groups, List<Double> points,
                                            boolean byFraction) {
        double[] grid = points.stream().mapToDouble(Double::doubleValue).toArray();
        List<String> names = groups.stream().map(PruningGroup::name).toList();
        int threads = SparkTrainer.threadsPerTask(sc);
        return sc.parallelize(names, names.size()).map(name -> {
            dev.diversify.backend.OneDnn.useThreadsOnThisThread(threads); // the similarities' products: ND4J's BLAS
            ComputationGraph network = restore(model.value());
            PruningGroup group = ChannelGraph.of(network.getConfiguration(), input).group(policy, name);
            var filters = PlanBuilder.filters(network, group);
            Similarity similarity = Similarity.of(filters);
            double[] l1 = filters.l1Norms();
            int minKeep = DiversifyingRule.defaultMinKeep(group.channels());
            GroupSelections result = new GroupSelections();
            result.group = name;
            result.channels = group.channels();
            result.taus = new double[grid.length];
            result.kept = new int[grid.length][];
            Selection order = byFraction ? DiversifyingRule.select(similarity, l1, 2.0, minKeep) : null;
            for (int t = 0; t < grid.length; t++) {
                if (order == null) {
                    result.taus[t] = grid[t];
                    result.kept[t] = DiversifyingRule.select(similarity, l1, grid[t], minKeep).kept();
                } else {
                    int removed = Math.min((int) Math.round(grid[t] * group.channels()), order.removals().size());
                    result.kept[t] = order.keepingFirstRemovals(removed).kept();
                    result.taus[t] = order.thresholdOfFirstRemovals(removed);
                }
            }
            return result;
        }).collect();
    }

    /**
     * Measures every cell: one task each prunes its group of the broadcast network and evaluates the validation
     * images, read and batched once per executor JVM for each {@code validationKey}.
     *
     * @param validationKey names {@code source}'s {@code validation} images in {@code batches}: equal keys must mean
     *                      equal batches (a digest of {@link SweepContext#validationIdentity})
     */
    static List<Cell> sweep(JavaSparkContext sc, Broadcast<byte[]> model, InputType input, ResidualPolicy policy,
                            List<Cell> cells, DatasetSource source, int[] validation, Batches batches,
                            String validationKey) {
        int threads = SparkTrainer.threadsPerTask(sc);
        return sc.parallelize(cells, Math.max(1, cells.size())).map(cell -> {
            dev.diversify.backend.OneDnn.useThreadsOnThisThread(threads);
            ComputationGraph network = restore(model.value());
            ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), input);
            PruningPlan plan = PruningPlan.of(channels, policy, Map.of(cell.group, cell.kept));
            ComputationGraph pruned = Surgery.apply(network, input, plan);
            List<DataSet> data = VALIDATION.computeIfAbsent(validationKey, k -> {
                LabeledImages all = source.read(Split.TRAIN, validation[0], validation[validation.length - 1] + 1);
                int[] relative = Arrays.stream(validation).map(i -> i - validation[0]).toArray();
                return batches.of(all.select(relative), 0);
            });
            Cell result = new Cell();
            result.group = cell.group;
            result.kept = cell.kept;
            result.accuracy = data.isEmpty() ? Double.NaN // no data: no measurement, never a 100 % drop
                    : pruned.evaluate(new ListDataSetIterator<>(data, 1)).accuracy(); // one minibatch a step
            return result;
        }).collect();
    }
}
