package dev.diversify.bench;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Training and inference speed of a network in images per second, on random minibatches. */
public final class Throughput {
    private static final int RUNS_PER_TURN = 3;

    private Throughput() {
    }

    /** A random minibatch of {@code batch} images of the network's input shape with one-hot labels. */
    public static DataSet batch(int batch, int channels, int size, int classes) {
        Nd4j.getRandom().setSeed(7);
        float[] labels = new float[batch * classes];
        for (int i = 0; i < batch; i++) {
            labels[i * classes + i % classes] = 1f;
        }
        return new DataSet(Nd4j.rand(batch, channels, size, size), Nd4j.create(labels, new long[] {batch, classes}, 'c'));
    }

    /** Images per second of training steps (forward, backward, update). */
    public static Result training(ComputationGraph network, DataSet batch, Timing.Warmup warmup, int repetitions) {
        Timing t = Timing.measure(() -> network.fit(batch), warmup, repetitions);
        return new Result(batch.numExamples(), t);
    }

    /** Images per second of inference. */
    public static Result inference(ComputationGraph network, DataSet batch, Timing.Warmup warmup, int repetitions) {
        Timing t = Timing.measure(() -> network.outputSingle(false, batch.getFeatures()), warmup, repetitions);
        return new Result(batch.numExamples(), t);
    }

    /**
     * Images per second of inference of several networks, measured side by side ({@link Timing#interleaved}, turns
     * of {@value #RUNS_PER_TURN} measured runs): for ratios between them.
     *
     * @return one rate per network, in {@code networks}' order
     */
    public static List<Result> inferenceSideBySide(List<ComputationGraph> networks, DataSet batch,
                                                   Timing.Warmup warmup, int repetitions) {
        List<Runnable> tasks = networks.stream().<Runnable>map(n -> () -> n.outputSingle(false, batch.getFeatures()))
                .toList();
        return Timing.interleaved(tasks, warmup, repetitions, RUNS_PER_TURN).stream()
                .map(t -> new Result(batch.numExamples(), t)).toList();
    }

    /** A measured rate: images per second at the median, the fastest and the slowest repetition. */
    public record Result(int batch, Timing timing) {
        /** Images per second at the median repetition. */
        public double imagesPerSecond() {
            return batch / (timing.medianMs() / 1000);
        }

        /** Images per second of the slowest repetition. */
        public double slowest() {
            return batch / (timing.maxMs() / 1000);
        }

        /** Images per second of the fastest repetition. */
        public double fastest() {
            return batch / (timing.minMs() / 1000);
        }
    }
}
