package dev.diversify.jobs;

import dev.diversify.backend.OneDnn;
import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.LabeledImages;
import dev.diversify.data.Split;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.Models;
import dev.diversify.train.InputCheck;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify evaluate}: top-1 accuracy, loss and speed of a model on a dataset split, in this JVM. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        header = "Prints a model's top-1 accuracy, loss and images/s on a dataset split.",
        description = "Reads a DL4J model or an ONNX file (imported as 'import' does, fed the data's image shape) and "
                + "runs every image of the split through it in this JVM, with a progress bar on stderr. The images "
                + "are fed as given by the layout options and normalised per channel, (pixel / 255 - mean) / std: "
                + "feed a model trained elsewhere exactly what it was trained on. For example, Fashion-MNIST padded "
                + "from 28 to 32 pixels with zeros, one grey channel, normalised with the statistics of the raw "
                + "28x28 pixels: --pad-to 32 --grey --mean 0.2860 --std 0.3530.")
final class EvaluateCommand implements Callable<Integer> {
    /** About the images read from the files at a time (a whole number of batches): the split is streamed. */
    private static final int CHUNK = 4096;

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "MODEL.zip|IN.onnx", required = true,
            description = "The model: a DL4J zip or an ONNX file (any Hadoop path).")
    private String model;

    @Option(names = "--data", paramLabel = "PATH", required = true, description = "The dataset's directory (any Hadoop path).")
    private String data;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "The format: cifar10, cifar100 or idx (default: recognised from the files).")
    private DataFormat format;

    @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "test",
            description = "The split: test or train (default: ${DEFAULT-VALUE}).")
    private String split;

    @Mixin
    private DataLayout layout;

    @Mixin
    private Normalisation normalisation;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "Images per minibatch (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Override
    public Integer call() {
        Split chosen = switch (split.toLowerCase(Locale.ROOT)) {
            case "test" -> Split.TEST;
            case "train" -> Split.TRAIN;
            default -> throw new IllegalArgumentException("--split is test or train, got '" + split + "'");
        };
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        DatasetSource source = layout.open(data, format);
        InputType.InputTypeConvolutional input = (InputType.InputTypeConvolutional) InputType.convolutional(
                source.shape().height(), source.shape().width(), source.shape().channels());
        OneDnn.useThreadsOnThisThread(Runtime.getRuntime().availableProcessors()); // its speed is reported
        ComputationGraph network = ModelFiles.load(model, input, new Nesterovs(Models.DEFAULT_LEARNING_RATE,
                Models.DEFAULT_MOMENTUM), Models.DEFAULT_WEIGHT_DECAY);
        InputCheck.requireFits(network, source);
        PrintWriter progress = spec.commandLine().getErr();
        ChannelStats stats = normalisation.stats(source.shape().channels());
        if (stats == null) {
            stats = trainingStatistics(source, progress);
            progress.println("normalisation computed on the training split: " + stats);
        }
        Batches batches = Batches.forEvaluation(batchSize, source.numClasses(), stats);
        int images = source.count(chosen);
        int chunk = Math.max(1, CHUNK / batchSize) * batchSize;
        ProgressBar bar = ProgressBar.start(progress, "evaluate " + chosen.name().toLowerCase(Locale.ROOT), images,
                "images");
        long correct = 0;
        double loss = 0;
        long nanos = 0;
        for (int from = 0; from < images; from += chunk) {
            for (DataSet batch : batches.of(source.read(chosen, from, Math.min(images, from + chunk)), 0)) {
                long start = System.nanoTime();
                INDArray probabilities = network.outputSingle(false, batch.getFeatures());
                nanos += System.nanoTime() - start;
                float[][] p = probabilities.toFloatMatrix();
                int[] labels = batch.getLabels().argMax(1).toIntVector();
                int[] predicted = probabilities.argMax(1).toIntVector();
                for (int i = 0; i < labels.length; i++) {
                    correct += predicted[i] == labels[i] ? 1 : 0;
                    loss -= Math.log(Math.max(p[i][labels[i]], 1e-12));
                }
                bar.advance(labels.length);
            }
        }
        bar.finish();
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%s on %s (%s, %s split, %s)%n", model, data, source.format().id(),
                chosen.name().toLowerCase(Locale.ROOT), source.shape());
        w.printf(Locale.ROOT, "  top-1 accuracy %.4f (%,d of %,d images)%n", (double) correct / images, correct, images);
        w.printf(Locale.ROOT, "  loss           %.4f (mean cross-entropy)%n", loss / images);
        w.printf(Locale.ROOT, "  speed          %,.0f images/s (inference only, batch %d, this JVM)%n",
                images / (nanos / 1e9), batchSize);
        w.flush();
        return 0;
    }

    /** Per-channel mean and standard deviation of the training split, streamed. */
    private static ChannelStats trainingStatistics(DatasetSource source, PrintWriter progress) {
        int images = source.count(Split.TRAIN);
        ChannelStats.Accumulator sums = new ChannelStats.Accumulator(source.shape().channels());
        ProgressBar bar = ProgressBar.start(progress, "normalisation", images, "training images");
        for (int from = 0; from < images; from += CHUNK) {
            LabeledImages chunk = source.read(Split.TRAIN, from, Math.min(images, from + CHUNK));
            sums.add(chunk);
            bar.advance(chunk.size());
        }
        bar.finish();
        return sums.stats();
    }
}
