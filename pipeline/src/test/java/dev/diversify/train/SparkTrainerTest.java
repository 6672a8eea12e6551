package dev.diversify.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSourceSpec;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SparkDatasets;
import dev.diversify.data.Split;
import dev.diversify.data.SyntheticData;
import dev.diversify.data.TrainingBlocks;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.testing.SparkTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkTestContext.class)
class SparkTrainerTest {

    private static DatasetSource synthetic(Path dir, int train, int test, long seed) {
        String path = dir.resolve("c10").toString();
        SyntheticData.write(DataFormat.CIFAR10, path, train, test, seed, false);
        return DataSourceSpec.forModels(path, DataFormat.CIFAR10).open();
    }

    /** Each task gets the cores it is entitled to: its share of the machine in local mode, spark.task.cpus on a cluster. */
    @Test
    void eachTaskGetsItsShareOfTheCoresAsOpenMpThreads() {
        assertEquals(1, SparkTrainer.threadsPerTask("local[2]", 1, 2));
        assertEquals(2, SparkTrainer.threadsPerTask("local[1]", 1, 2));
        assertEquals(2, SparkTrainer.threadsPerTask("local", 1, 2));
        assertEquals(1, SparkTrainer.threadsPerTask("local[*]", 1, 8));
        assertEquals(4, SparkTrainer.threadsPerTask("local[2, 3]", 1, 8));
        assertEquals(1, SparkTrainer.threadsPerTask("local[4]", 1, 2), "at least one");
        assertEquals(3, SparkTrainer.threadsPerTask("spark://host:7077", 3, 2));
        assertEquals(1, SparkTrainer.threadsPerTask("yarn", 1, 64));
    }

    @Test
    void learningRateFollowsTheStepSchedule() {
        TrainingSettings s = new TrainingSettings(160, 0.1, 0.9, 5e-4, List.of(0.5, 0.75), 0.1, 5);
        assertEquals(0.1, s.learningRate(0), 1e-12);
        assertEquals(0.1, s.learningRate(79), 1e-12);
        assertEquals(0.01, s.learningRate(80), 1e-12);
        assertEquals(0.001, s.learningRate(120), 1e-12);
        assertEquals(0.001, s.learningRate(159), 1e-12);
    }

    @Test
    void parameterAveragingLearnsSyntheticDataWellAboveChance(JavaSparkContext sc, @TempDir Path dir) {
        DatasetSource source = synthetic(dir, 600, 200, 3);
        int[] train = IntStream.range(0, 600).toArray();
        int[] test = IntStream.range(0, 200).toArray();
        ChannelStats stats = SparkDatasets.channelStats(sc, source, Split.TRAIN, train, 2);
        Batches batches = new Batches(32, 10, stats, null);
        ModelSpec spec = ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25);
        ComputationGraph network = Models.build(spec);
        SparkTrainer trainer = new SparkTrainer(sc);
        var testData = SparkDatasets.minibatches(sc, source, Split.TEST, test, Batches.forEvaluation(50, 10, stats), 0, 2);
        double before = trainer.accuracy(network, testData);
        List<EpochReport> reports = new ArrayList<>();
        TrainingSettings settings = new TrainingSettings(4, 0.05, 0.9, 1e-4, List.of(0.75), 0.1, 2);
        ComputationGraph trained = trainer.train("baseline", network, settings, 32,
                new TrainingBlocks(source, Split.TRAIN, train, batches, 7), testData, reports::add);
        assertEquals(4, reports.size());
        assertEquals(0.005, reports.get(3).learningRate(), 1e-12);
        double after = trainer.accuracy(trained, testData);
        assertTrue(after > 0.5, "accuracy " + after + " (before training " + before + ")");
        assertEquals(after, reports.get(3).validationAccuracy(), 1e-9);
    }

    /**
     * Four workers on two cores finish in varying order; the averaged parameters, and so every later number,
     * are still bit for bit the same (DL4J's own aggregation summed them in completion order).
     */
    @Test
    void trainingTwiceWithTheSameSeedGivesTheSameParametersBitForBit(JavaSparkContext sc, @TempDir Path dir) {
        DatasetSource source = synthetic(dir, 256, 10, 4);
        int[] train = IntStream.range(0, 256).toArray();
        Batches batches = new Batches(16, 10, SparkDatasets.channelStats(sc, source, Split.TRAIN, train, 2), null);
        TrainingSettings settings = new TrainingSettings(2, 0.05, 0.9, 1e-4, List.of(), 0.1, 1);
        List<org.nd4j.linalg.api.ndarray.INDArray> parameters = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.125));
            ComputationGraph trained = new SparkTrainer(sc, 4).train("determinism", network, settings, 16,
                    new TrainingBlocks(source, Split.TRAIN, train, batches, 7), null, r -> losses.add(r.loss()));
            parameters.add(trained.params().dup());
        }
        assertEquals(losses.subList(0, 2), losses.subList(2, 4));
        assertEquals(parameters.get(0), parameters.get(1));
        assertTrue(parameters.get(0).equalsWithEps(parameters.get(1), 0.0), "bit for bit");
    }

    /**
     * A run stopped after its first epoch and resumed from the network saved then (a model file with its updater
     * state) ends with the parameters and losses of the run that was never stopped, bit for bit.
     */
    @Test
    void aRunResumedFromItsSavedNetworkEndsWhereAnUninterruptedOneEnds(JavaSparkContext sc, @TempDir Path dir) {
        DatasetSource source = synthetic(dir, 256, 10, 4);
        int[] train = IntStream.range(0, 256).toArray();
        Batches batches = new Batches(16, 10, SparkDatasets.channelStats(sc, source, Split.TRAIN, train, 2), null);
        TrainingSettings settings = new TrainingSettings(3, 0.05, 0.9, 1e-4, List.of(0.5), 0.1, 1);
        SparkTrainer trainer = new SparkTrainer(sc, 2);
        List<Double> straight = new ArrayList<>();
        ComputationGraph uninterrupted = trainer.train("straight", Models.build(ModelSpec.cifar(Architecture.RESNET20, 10)
                .withWidth(0.125)), settings, 16, new TrainingBlocks(source, Split.TRAIN, train, batches, 7), null,
                r -> straight.add(r.loss()));

        String saved = dir.resolve("after-epoch-1.zip").toString();
        List<Double> resumed = new ArrayList<>();
        RuntimeException stop = new RuntimeException("stopped");
        assertSame(stop, assertThrows(RuntimeException.class, () -> trainer.train("stopped",
                Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.125)), settings, 16,
                new TrainingBlocks(source, Split.TRAIN, train, batches, 7), null, 0, (report, network) -> {
                    resumed.add(report.loss());
                    ModelFiles.save(network, saved);
                    throw stop;
                })));
        ComputationGraph finished = trainer.train("resumed", ModelFiles.load(saved), settings, 16,
                new TrainingBlocks(source, Split.TRAIN, train, batches, 7), null, 1,
                (report, network) -> resumed.add(report.loss()));
        assertEquals(straight, resumed);
        assertTrue(uninterrupted.params().equalsWithEps(finished.params(), 0.0), "bit for bit");
        IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class, () -> trainer.train("beyond",
                finished, settings, 16, new TrainingBlocks(source, Split.TRAIN, train, batches, 7), null, 4,
                (report, network) -> { }));
        assertTrue(beyond.getMessage().contains("epoch 5 of 3"), beyond.getMessage());
        assertEquals(uninterrupted.getConfiguration().getEpochCount(), finished.getConfiguration().getEpochCount());
    }

    /** Counts the records read through it, in this JVM (Spark local mode runs the tasks here). */
    private record CountingSource(DatasetSource source) implements DatasetSource {
        static final java.util.concurrent.atomic.AtomicLong READ = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public DataFormat format() {
            return source.format();
        }

        @Override
        public String location() {
            return source.location();
        }

        @Override
        public dev.diversify.data.ImageShape shape() {
            return source.shape();
        }

        @Override
        public int numClasses() {
            return source.numClasses();
        }

        @Override
        public List<String> classNames() {
            return source.classNames();
        }

        @Override
        public int count(Split split) {
            return source.count(split);
        }

        @Override
        public dev.diversify.data.LabeledImages read(Split split, int from, int to) {
            READ.addAndGet(to - from);
            return source.read(split, from, to);
        }
    }

    /**
     * Every selected record is trained on once per epoch, whatever the number of blocks per worker and round.
     * Given a whole epoch, DL4J's split into rounds rounded down and its workers took one block each: 2,048
     * images gave 1,792 trained with 4 minibatches per round and 1,024 with 16.
     */
    @Test
    void everyRecordIsTrainedOnOncePerEpoch(JavaSparkContext sc, @TempDir Path dir) {
        DatasetSource source = new CountingSource(synthetic(dir, 300, 10, 6));
        int[] train = IntStream.range(0, 300).toArray();
        Batches batches = new Batches(16, 10, SparkDatasets.channelStats(sc, source, Split.TRAIN, train, 2), null);
        for (int averaging : new int[] {1, 4}) {
            ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.125));
            CountingSource.READ.set(0);
            new SparkTrainer(sc, 2).train("coverage", network, new TrainingSettings(2, 0.01, 0.9, 1e-4, List.of(), 0.1,
                    averaging), 16, new TrainingBlocks(source, Split.TRAIN, train, batches, 3), null, r -> { });
            assertEquals(2 * 300, CountingSource.READ.get(), "records read in 2 epochs, averaging every " + averaging);
        }
    }

    @Test
    void refusesNaNWeightsAndStopsWhenTrainingDiverges(JavaSparkContext sc, @TempDir Path dir) {
        DatasetSource source = synthetic(dir, 64, 10, 5);
        int[] train = IntStream.range(0, 64).toArray();
        Batches batches = new Batches(32, 10, SparkDatasets.channelStats(sc, source, Split.TRAIN, train, 2), null);
        TrainingBlocks epochs = new TrainingBlocks(source, Split.TRAIN, train, batches, 7);
        SparkTrainer trainer = new SparkTrainer(sc);
        List<EpochReport> reports = new ArrayList<>();

        ComputationGraph broken = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25));
        broken.getLayer("stem_conv").getParam("W").putScalar(0, Double.NaN);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> trainer.train("retrain l1",
                broken, new TrainingSettings(3, 0.05, 0.9, 1e-4, List.of(), 0.1, 1), 32, epochs, null, reports::add));
        assertEquals("retrain l1: the network holds NaN or infinite weights in layer 'stem_conv'", refused.getMessage());

        ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10).withWidth(0.25));
        IllegalStateException diverged = assertThrows(IllegalStateException.class, () -> trainer.train("baseline",
                network, new TrainingSettings(3, 1e30, 0.9, 1e-4, List.of(), 0.1, 1), 32, epochs, null, reports::add));
        Matcher message = Pattern.compile(
                "baseline diverged in epoch (\\d) at learning rate 1\\.0E30: training loss .*; lower the learning rate.*")
                .matcher(diverged.getMessage());
        assertTrue(message.matches(), diverged.getMessage());
        assertEquals(Integer.parseInt(message.group(1)) - 1, reports.size(), "epochs reported before the divergence");
    }
}
