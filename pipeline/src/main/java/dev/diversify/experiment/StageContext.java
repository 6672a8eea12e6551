package dev.diversify.experiment;

import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataSettings;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SparkDatasets;
import dev.diversify.data.Split;
import dev.diversify.data.SplitPlan;
import dev.diversify.data.TrainingBlocks;
import dev.diversify.experiment.Stages.Recorded;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.metrics.CostCounter;
import dev.diversify.io.HadoopFiles;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.onnx.OnnxExport;
import dev.diversify.results.RunLayout;
import dev.diversify.train.SparkTrainer;
import dev.diversify.train.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What every stage of one experiment works with: its settings and run layout, the Spark context and
 * trainer, and its prepared data (the data stage: dataset opened, splits selected, normalisation
 * computed or read from the marker). Also the measurements every stage records the same way.
 */
final class StageContext {
    private final ExperimentSettings settings;
    private final RunLayout layout;
    private final Stages stages;
    private final Progress progress;
    private final JavaSparkContext sc;
    private final SparkTrainer trainer;
    private final int partitions;
    private final DatasetSource source;
    private final SplitPlan.Selection selection;
    private final InputType input;
    private TrainingBlocks trainingData;
    private Batches evalBatches;

    StageContext(ExperimentSettings settings, RunLayout layout, Stages stages, Progress progress, JavaSparkContext sc,
                 int partitions) {
        this.settings = settings;
        this.layout = layout;
        this.stages = stages;
        this.progress = progress;
        this.sc = sc;
        this.trainer = new SparkTrainer(sc);
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
        this.source = settings.data().source().open();
        this.input = InputType.convolutional(source.shape().height(), source.shape().width(), source.shape().channels());
        int[] trainLabels = SparkDatasets.labels(sc, source, Split.TRAIN, this.partitions);
        int[] testLabels = SparkDatasets.labels(sc, source, Split.TEST, this.partitions);
        this.selection = settings.data().splits().select(trainLabels, testLabels, source.numClasses());
    }

    /** The data stage: records the splits and the normalisation (computed on the training split unless configured). */
    StageResults.Data prepareData() {
        DataSettings config = settings.data();
        Recorded<StageResults.Data> recorded = stages.run(id(), "data", StageResults.Data.class, () -> {
            ChannelStats stats = config.normalization() != null ? config.normalization()
                    : SparkDatasets.channelStats(sc, source, Split.TRAIN, selection.train(), partitions);
            return new StageResults.Data(datasetName(), source.format().id(), source.numClasses(),
                    selection.train().length, selection.validation().length, selection.test().length,
                    boxed(stats.mean()), boxed(stats.std()));
        });
        StageResults.Data data = recorded.result();
        ChannelStats stats = new ChannelStats(unboxed(data.mean()), unboxed(data.std()));
        trainingData = new TrainingBlocks(source, Split.TRAIN, selection.train(),
                new Batches(config.batchSize(), source.numClasses(), stats, config.augmentation()), settings.seed());
        evalBatches = Batches.forEvaluation(config.batchSize(), source.numClasses(), stats);
        say(String.format("data: %s, %d classes, %d train / %d validation / %d test images", datasetName(),
                source.numClasses(), data.train(), data.validation(), data.test()));
        return data;
    }

    ExperimentSettings settings() {
        return settings;
    }

    String id() {
        return settings.id();
    }

    DatasetSource source() {
        return source;
    }

    InputType input() {
        return input;
    }

    /** What the similarity and sweep stages work with (after {@link #prepareData}). */
    SweepContext sweepContext() {
        return new SweepContext(sc, input, settings.residual(), source, selection.validation(), evalBatches, this::say,
                layout::sweepCells);
    }

    void say(String message) {
        progress.say(id(), message);
    }

    /** The dataset's name: the last element of its path. */
    String datasetName() {
        String path = settings.data().source().path().replaceAll("/+$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    ModelSpec spec() {
        return new ModelSpec(settings.architecture(), source.numClasses(), source.shape().channels(),
                source.shape().height(), source.shape().width(), settings.width(), settings.seed());
    }

    private JavaRDD<DataSet> evaluation(Split split, int[] indices) {
        return SparkDatasets.minibatches(sc, source, split, indices, evalBatches, 0, partitions);
    }

    /** Top-1 accuracy on the test split, a fraction. */
    double testAccuracy(ComputationGraph network) {
        return trainer.accuracy(network, evaluation(Split.TEST, selection.test()));
    }

    /** Top-1 accuracy on the validation split (carved from the training files), a fraction. */
    double validationAccuracy(ComputationGraph network) {
        return trainer.accuracy(network, evaluation(Split.TRAIN, selection.validation()));
    }

    /** A trained network and the epochs that trained it. */
    record Trained(ComputationGraph network, List<Epoch> history) {
    }

    /**
     * Trains {@code network} per {@code training} with validation after each epoch (when
     * {@code validate}), printing progress; the history records every epoch.
     */
    Trained train(String stage, ComputationGraph network, TrainingSettings training, boolean validate) {
        Checkpoint checkpoint = new Checkpoint(layout.checkpoint(id(), stage), String.join(" ", stage,
                training.toString(), Integer.toString(settings.data().batchSize()), Long.toString(trainingData.seed()),
                Double.toString(network.params().sumNumber().doubleValue()),
                Double.toString(network.params().norm2Number().doubleValue())));
        List<Epoch> history = new ArrayList<>();
        Optional<Checkpoint.Saved> saved = checkpoint.load();
        if (saved.isPresent()) {
            network = saved.get().network();
            history.addAll(saved.get().history());
            say(stage + ": resuming after epoch " + history.size() + " of " + training.epochs()
                    + ", saved by an earlier attempt");
        }
        double secondsBefore = history.stream().mapToDouble(Epoch::seconds).sum(); // for the time left
        long start = System.nanoTime();
        ComputationGraph trained = trainer.train(stage, network, training, settings.data().batchSize(), trainingData,
                validate ? evaluation(Split.TRAIN, selection.validation()) : null, history.size(), (report, current) -> {
                    history.add(Epoch.of(report));
                    checkpoint.save(current, history);
                    progress.epoch(id(), report, secondsBefore + (System.nanoTime() - start) / 1e9);
                });
        checkpoint.delete();
        return new Trained(trained, history);
    }

    CostTotals cost(ComputationGraph network) {
        return CostTotals.of(CostCounter.count(network.getConfiguration(), input));
    }

    /** Output channels of every convolution, by name, in topological order. */
    Map<String, Integer> channelsPerConv(ComputationGraph network) {
        Map<String, Integer> channels = new LinkedHashMap<>();
        CostCounter.count(network.getConfiguration(), input).layers().stream()
                .filter(l -> l.type().equals("conv"))
                .forEach(l -> channels.put(l.name(), (int) l.outChannels()));
        return channels;
    }

    List<PruningGroup> groups(ComputationGraph network) {
        return ChannelGraph.of(network.getConfiguration(), input).groups(settings.residual());
    }

    ComputationGraph loadModel(String name) {
        return ModelFiles.load(layout.model(id(), name));
    }

    void saveModel(ComputationGraph network, String name) {
        ModelFiles.save(network, layout.model(id(), name));
    }

    /** Writes {@code network} as ONNX beside its zip ({@link RunLayout#onnx}), whole or not at all. */
    void saveOnnx(ComputationGraph network, String name) {
        HadoopFiles.writeAtomically(layout.onnx(id(), name), OnnxExport.export(network, input)::writeTo);
    }

    String planPath(String method) {
        return layout.plan(id(), method);
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static double[] unboxed(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
