package dev.diversify.train;

import dev.diversify.backend.MemoryUse;
import dev.diversify.backend.OneDnn;
import dev.diversify.data.TrainingBlocks;
import dev.diversify.models.ParameterCheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains and evaluates networks with DL4J Spark parameter averaging. This is the only class that
 * touches DL4J's Spark module (upstream has dropped it), so it can be replaced behind this API.
 */
public final class SparkTrainer {
    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\s*\\d+)?])?");
    private final JavaSparkContext sc;
    private final int workers;
    private final int threadsPerTask;

    /** A trainer on {@code sc}; its default parallelism is the number of workers per averaging round. */
    public SparkTrainer(JavaSparkContext sc) {
        this(sc, sc.defaultParallelism());
    }

    /**
     * A trainer whose averaging rounds give work to {@code workers} workers (Spark's default parallelism by
     * default), each task's oneDNN on {@link #threadsPerTask(JavaSparkContext)} threads. Results are the same
     * for the same workers, whatever the order their tasks finish in.
     */
    public SparkTrainer(JavaSparkContext sc, int workers) {
        this(sc, workers, threadsPerTask(sc));
    }

    /**
     * As {@link #SparkTrainer(JavaSparkContext, int)}, with {@code threadsPerTask} OpenMP threads per task (0:
     * OpenMP's own).
     */
    public SparkTrainer(JavaSparkContext sc, int workers, int threadsPerTask) {
        this.sc = sc;
        this.workers = workers;
        this.threadsPerTask = threadsPerTask;
    }

    /** {@link #threadsPerTask(String, int, int)} for {@code sc}'s master and this machine. */
    public static int threadsPerTask(JavaSparkContext sc) {
        return threadsPerTask(sc.master(), sc.getConf().getInt("spark.task.cpus", 1),
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * How many OpenMP threads each task's oneDNN calls get: the cores a task is entitled to. In
     * local mode, {@code local[N]} runs N tasks at once on this machine's {@code processors}: processors / N,
     * at least 1. On a cluster, Spark gives each task {@code spark.task.cpus} cores. An executor whose
     * environment sets {@code OMP_NUM_THREADS} keeps it ({@code OneDnn.useThreadsOnThisThread}).
     *
     * @param master     Spark's master URL
     * @param taskCpus   {@code spark.task.cpus}
     * @param processors the cores of this machine
     */
    static int threadsPerTask(String master, int taskCpus, int processors) {
        Matcher local = LOCAL_MASTER.matcher(master);
        if (!local.matches()) {
            return Math.max(1, taskCpus);
        }
        String n = local.group(1);
        int tasks = n == null ? 1 : "*".equals(n) ? processors : Integer.parseInt(n);
        return Math.max(1, processors / Math.max(1, tasks));
    }

    /**
     * Trains {@code network} in place for {@code settings.epochs()} epochs on minibatches of {@code batchSize}
     * drawn from {@code data} (reshuffled and re-augmented per epoch). Each worker of an averaging round
     * gets one block of {@code batchSize x averagingFrequency} records and reads it itself, so memory
     * depends on that block and the model, not on the number of images. After each epoch, reports
     * progress and memory, with accuracy on {@code validation} when given.
     *
     * @param stage      the stage's name, for messages and reports
     * @param batchSize  the minibatch size per worker, in images
     * @param validation the validation set, or null for none (accuracy NaN)
     * @param progress   receives one {@link EpochReport} per finished epoch
     * @return the trained network (the same object as {@code network})
     * @throws IllegalArgumentException when {@code network} holds NaN or infinite weights, or
     *     {@code batchSize x averagingFrequency} is below 1
     * @throws IllegalStateException    when the loss or the weights become NaN or infinite
     */
    public ComputationGraph train(String stage, ComputationGraph network, TrainingSettings settings, int batchSize,
                                  TrainingBlocks data, JavaRDD<DataSet> validation, Consumer<EpochReport> progress) {
        return train(stage, network, settings, batchSize, data, validation, 0,
                (report, trained) -> progress.accept(report));
    }

    /** What a training run hands over after each epoch: the epoch's report and the network as it stands. */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(EpochReport report, ComputationGraph network);
    }

    /**
     * As {@link #train(String, ComputationGraph, TrainingSettings, int, TrainingBlocks, JavaRDD, Consumer)}, from
     * epoch {@code firstEpoch} (0-based) on: {@code network} is then the one {@code listener} was handed after
     * the first {@code firstEpoch} epochs, saved with its updater state and read back. Epoch e's learning rate
     * and block order depend only on the settings, the seed and e, so a run resumed this way computes what an
     * uninterrupted one computes, bit for bit ({@code SparkTrainerTest}).
     *
     * @throws IllegalArgumentException also when {@code firstEpoch} is negative or beyond the settings' epochs
     */
    public ComputationGraph train(String stage, ComputationGraph network, TrainingSettings settings, int batchSize,
                                  TrainingBlocks data, JavaRDD<DataSet> validation, int firstEpoch,
                                  EpochListener listener) {
        if (firstEpoch < 0 || firstEpoch > settings.epochs()) {
            throw new IllegalArgumentException(stage + ": cannot resume at epoch " + (firstEpoch + 1) + " of "
                    + settings.epochs());
        }
        OneDnn.enableHelpers();
        ParameterCheck.firstNonFiniteLayer(network).ifPresent(layer -> {
            throw new IllegalArgumentException(stage + ": the network holds NaN or infinite weights in layer '"
                    + layer + "'");
        });
        int block = batchSize * settings.averagingFrequency();
        ParameterAveragingTrainingMaster master = new OrderedAveragingMaster(
                new ParameterAveragingTrainingMaster.Builder(workers, block)
                        .batchSizePerWorker(batchSize)
                        .averagingFrequency(settings.averagingFrequency())
                        .workerPrefetchNumBatches(2)
                        .trainingHooks(new OneDnnHook(threadsPerTask))
                        .rngSeed(data.seed()));
        SparkComputationGraph spark = new SparkComputationGraph(sc, network, master);
        int epochsBefore = network.getConfiguration().getEpochCount() - firstEpoch;
        for (int epoch = firstEpoch; epoch < settings.epochs(); epoch++) {
            long start = System.nanoTime();
            double rate = settings.learningRate(epoch);
            spark.getNetwork().setLearningRate(rate);
            double loss = fitEpoch(spark, data, epoch, block);
            spark.getNetwork().getConfiguration().setEpochCount(epochsBefore + epoch + 1); // each round counted one
            Optional<String> broken = ParameterCheck.firstNonFiniteLayer(spark.getNetwork());
            if (!Double.isFinite(loss) || broken.isPresent()) {
                throw new IllegalStateException(stage + " diverged in epoch " + (epoch + 1) + " at learning rate "
                        + rate + ": training loss " + loss + broken.map(l -> ", NaN or infinite weights in layer '"
                        + l + "'").orElse("") + "; lower the learning rate or check the input data");
            }
            double accuracy = validation == null ? Double.NaN : accuracy(spark, validation);
            listener.epochDone(new EpochReport(stage, epoch + 1, settings.epochs(), rate, loss, accuracy,
                    (System.nanoTime() - start) / 1e9, MemoryUse.now()), spark.getNetwork());
        }
        return spark.getNetwork();
    }

    /**
     * One epoch, one averaging round at a time: each round hands exactly one block to each worker. Given a whole
     * epoch, DL4J splits the keys at random into rounds whose sizes vary, and a worker stops after one block, so
     * the blocks beyond one per worker in a round were never trained on: 1,792 of 2,048 images with 4 minibatches
     * per round, 1,024 with 16 (measured). The order of the blocks is drawn from the seed and the epoch.
     *
     * @return the training loss, the mean over the epoch's rounds
     */
    private double fitEpoch(SparkComputationGraph spark, TrainingBlocks data, int epoch, int block) {
        List<String> keys = new ArrayList<>(data.keys(epoch, block));
        Collections.shuffle(keys, new Random(data.seed() * 1_000_003L + epoch));
        double loss = 0;
        int rounds = 0;
        for (int from = 0; from < keys.size(); from += workers) {
            List<String> round = keys.subList(from, Math.min(keys.size(), from + workers));
            JavaRDD<String> paths = sc.parallelize(round, round.size());
            try {
                spark.fitPaths(paths, data);
            } finally {
                paths.unpersist(false); // DL4J persists the keys it trains on and leaves them
            }
            loss += spark.getScore();
            rounds++;
        }
        return loss / rounds;
    }

    /** Top-1 accuracy of {@code network} on {@code data}, a fraction in [0, 1], evaluated by the executors. */
    public double accuracy(ComputationGraph network, JavaRDD<DataSet> data) {
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(1).build();
        return accuracy(new SparkComputationGraph(sc, network, master), data);
    }

    private static double accuracy(SparkComputationGraph spark, JavaRDD<DataSet> data) {
        return spark.evaluate(data).accuracy();
    }
}
