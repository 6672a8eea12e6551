package dev.diversify.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.diversify.backend.MemoryUse;
import dev.diversify.backend.OneDnn;
import dev.diversify.bench.LayerTimes;
import dev.diversify.bench.SimilarityBenchmark;
import dev.diversify.bench.Throughput;
import dev.diversify.bench.Timing;
import dev.diversify.data.Augmentation;
import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DataSourceSpec;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.Split;
import dev.diversify.data.SyntheticData;
import dev.diversify.data.TrainingBlocks;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.CostCounter;
import dev.diversify.models.Architecture;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.prune.Budget;
import dev.diversify.prune.L1Norm;
import dev.diversify.prune.PlanBuilder;
import dev.diversify.surgery.BatchNormFolding;
import dev.diversify.surgery.Surgery;
import dev.diversify.train.EpochReport;
import dev.diversify.train.SparkTrainer;
import dev.diversify.train.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code diversify bench}: speed measurements, never part of the test run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Measures the speed of the rule, of training and inference, and the memory of training.",
        description = {"Every figure is taken after warm-up, as the median and spread of --repetitions runs. --what "
                + "chooses what is measured:",
            "--what similarity: the diversifying rule on each distinct layer shape at width 1, next to the bare float64 product.",
            "--what train: training images/s of each model at --width (default 1), batch --batch, input 3x32x32.",
            "--what infer: inference images/s, likewise.",
            "--what pruned: inference of a pruned VGG16 (L1, --keep of every layer's channels) next to the original, "
                + "and both with batch norm folded into the convolutions, the four measured side by side (turns of "
                + "a few runs each) so that their ratios are taken in the same minutes.",
            "--what spark: parameter-averaging training throughput on Spark local[1] and local[2] (ResNet20), "
                + "local[2] also with one native thread per task and with averaging every 16 minibatches.",
            "--what layers (only when asked for): where a training step's time goes: forward and backward "
                + "milliseconds of every vertex of each model at --width and --batch, one vertex at a time outside "
                + "the step's workspaces, summed by layer type, with each type's share, next to a whole fit step.",
            "--what memory (only when asked for): --epochs of parameter-averaging training on --images real images, with "
                + "memory after each epoch and the peak; exits 1 unless resident memory after the last epoch is "
                + "within 10 %% of its value after the first."})
final class BenchCommand implements Callable<Integer> {
    enum What { similarity, train, infer, pruned, spark, memory, layers, all }

    /** Epochs of each {@code --what spark} setting; the last is measured. */
    private static final int SPARK_EPOCHS = 4;

    @Spec
    private CommandSpec spec;

    @Option(names = "--what", defaultValue = "all", description = "What to measure: similarity, train, infer, pruned, spark, memory or all (default: ${DEFAULT-VALUE}).")
    private What what;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "all", description = "The model to measure, or all (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--batch", defaultValue = "64", description = "The minibatch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--keep", defaultValue = "0.55", description = "With --what pruned, the fraction of channels kept per layer (default: ${DEFAULT-VALUE}).")
    private double keep;

    @Option(names = "--repetitions", defaultValue = "5", description = "The number of measured runs (default: ${DEFAULT-VALUE}).")
    private int repetitions;

    @Option(names = "--warmup-seconds", defaultValue = "20", paramLabel = "S",
            description = "With --what train, infer, pruned and layers: unmeasured runs first, at least 2 and for at "
                    + "least S seconds, while the JVM compiles hot code (default: ${DEFAULT-VALUE}).")
    private double warmupSeconds;

    @Option(names = "--images", defaultValue = "20000", description = "With --what memory, the training images (default: ${DEFAULT-VALUE}).")
    private int images;

    @Option(names = "--epochs", defaultValue = "3", description = "With --what memory, the epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--width", paramLabel = "W",
            description = "The width multiplier: of the models of --what train and infer (default: 1), and of --what "
                    + "memory (default: 0.25, what the CPU-scale runs train).")
    private Double width;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "With --what memory, the training images, in any format (default: ${DEFAULT-VALUE}; synthetic CIFAR-10 "
                    + "files stand in where it is missing).")
    private String data;

    @Option(names = "--json", description = "Print the results as JSON.")
    private boolean json;

    private final List<Map<String, Object>> results = new ArrayList<>();
    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (repetitions < 1) {
            throw new ParameterException(spec.commandLine(), "--repetitions must be at least 1, got " + repetitions);
        }
        if (batch < 1) {
            throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        if (!(warmupSeconds >= 0) || Double.isInfinite(warmupSeconds)) {
            throw new ParameterException(spec.commandLine(), "--warmup-seconds must be a number of seconds, at least 0, "
                    + "got " + warmupSeconds);
        }
        List<Architecture> architectures = "all".equalsIgnoreCase(model)
                ? List.of(Architecture.values()) : List.of(Architecture.fromId(model));
        say(String.format(Locale.ROOT, "hardware: %d cores visible to the JVM, %s, max heap %d MB; OMP_NUM_THREADS=%s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"),
                Runtime.getRuntime().maxMemory() >> 20, System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)")));
        // one OpenMP thread per core for this thread's oneDNN calls (pytorch_bench.py: --threads, 2 by default)
        say("oneDNN threads: " + OneDnn.useThreadsOnThisThread(Runtime.getRuntime().availableProcessors()));
        if (what == What.similarity || what == What.all) {
            similarity(architectures);
        }
        if (what == What.train || what == What.infer || what == What.all) {
            throughput(architectures);
        }
        if (what == What.pruned || what == What.all) {
            pruned();
        }
        if (what == What.spark || what == What.all) {
            spark();
        }
        if (what == What.layers) {
            layers(architectures);
        }
        boolean flat = what != What.memory || memory(architectures.get(0));
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        }
        out.flush();
        return flat ? 0 : 1;
    }

    /** Warm-up before every throughput figure: two runs at least, for --warmup-seconds at least. */
    private Timing.Warmup warmup() {
        return new Timing.Warmup(2, warmupSeconds);
    }

    private void say(String line) {
        if (!json) {
            out.println(line);
            out.flush();
        }
    }

    private void record(String kind, Map<String, Object> row) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", kind);
        r.putAll(row);
        results.add(r);
    }

    private void similarity(List<Architecture> architectures) {
        say(String.format("%n%-18s %-30s %6s %7s %12s %13s %12s %7s", "model", "group", "N", "D",
                "rule ms", "(min-max)", "matmul ms", "ratio"));
        for (Architecture architecture : architectures) {
            for (SimilarityBenchmark.Row row : SimilarityBenchmark.run(architecture, 0.3, 2, Math.max(repetitions, 5))) {
                say(String.format(Locale.ROOT, "%-18s %-30s %6d %7d %12.2f %6.1f-%-6.1f %12.2f %7.1f", row.model(),
                        row.group(), row.filters(), row.weightsPerFilter(), row.rule().medianMs(), row.rule().minMs(),
                        row.rule().maxMs(), row.product().medianMs(), row.rule().medianMs() / row.product().medianMs()));
                record("similarity", Map.of("model", row.model(), "group", row.group(), "filters", row.filters(),
                        "weightsPerFilter", row.weightsPerFilter(), "ruleMs", row.rule().medianMs(),
                        "productMs", row.product().medianMs()));
            }
        }
    }

    private void throughput(List<Architecture> architectures) {
        say(String.format("%n%-18s %-6s %10s %21s %14s", "model", "mode", "images/s", "(slowest-fastest)", "GFLOP/s"));
        DataSet data = Throughput.batch(batch, 3, 32, 10);
        for (Architecture architecture : architectures) {
            ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(width == null ? 1 : width);
            ComputationGraph network = Models.build(spec);
            long flops = CostCounter.count(network.getConfiguration(), Models.inputType(spec)).flops();
            if (what != What.infer) {
                report(spec, "train", Throughput.training(network, data, warmup(), repetitions), 3 * flops);
            }
            if (what != What.train) {
                report(spec, "infer", Throughput.inference(network, data, warmup(), repetitions), flops);
            }
        }
    }

    /** {@code flopsPerImage}: forward FLOPs, or about three times that for a training step. */
    private void report(ModelSpec spec, String mode, Throughput.Result r, long flopsPerImage) {
        String name = spec.architecture().id() + (spec.width() == 1 ? "" : " w" + spec.width());
        say(String.format(Locale.ROOT, "%-18s %-6s %10.1f %10.1f-%-10.1f %14.1f", name, mode, r.imagesPerSecond(),
                r.slowest(), r.fastest(), r.imagesPerSecond() * flopsPerImage / 1e9));
        record(mode, Map.of("model", spec.architecture().id(), "width", spec.width(), "batch", r.batch(),
                "imagesPerSecond", r.imagesPerSecond(), "slowest", r.slowest(), "fastest", r.fastest(),
                "warmupSeconds", warmupSeconds, "repetitions", r.timing().repetitions()));
    }

    private void layers(List<Architecture> architectures) {
        DataSet data = Throughput.batch(batch, 3, 32, 10);
        for (Architecture architecture : architectures) {
            ModelSpec spec = ModelSpec.cifar(architecture, 10).withWidth(width == null ? 1 : width);
            ComputationGraph network = Models.build(spec);
            String name = architecture.id() + (spec.width() == 1 ? "" : " w" + spec.width());
            double step = Throughput.training(network, data, warmup(), repetitions).timing().medianMs();
            List<LayerTimes.Row> rows = LayerTimes.measure(network, data, 2, repetitions);
            Map<String, double[]> byType = new LinkedHashMap<>(); // forward, backward, vertices
            for (LayerTimes.Row row : rows) {
                double[] sums = byType.computeIfAbsent(row.type(), t -> new double[3]);
                sums[0] += row.forward().medianMs();
                sums[1] += row.backward().medianMs();
                sums[2]++;
                record("layers", Map.of("model", architecture.id(), "width", spec.width(), "batch", batch,
                        "vertex", row.vertex(), "type", row.type(), "forwardMs", row.forward().medianMs(),
                        "backwardMs", row.backward().medianMs()));
            }
            double total = byType.values().stream().mapToDouble(v -> v[0] + v[1]).sum();
            say(String.format(Locale.ROOT, "%n%s, batch %d: a fit step takes %.1f ms; its vertices one at a time, "
                    + "outside the step's workspaces, %.1f ms (forward and backward), shared as follows:", name, batch,
                    step, total));
            say(String.format("%-22s %8s %12s %12s %7s", "type", "vertices", "forward ms", "backward ms", "share"));
            byType.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1],
                    a.getValue()[0] + a.getValue()[1])).forEach(e -> say(String.format(Locale.ROOT,
                    "%-22s %8d %12.1f %12.1f %6.1f%%", e.getKey(), (int) e.getValue()[2], e.getValue()[0],
                    e.getValue()[1], 100 * (e.getValue()[0] + e.getValue()[1]) / total)));
            record("layers-step", Map.of("model", architecture.id(), "width", spec.width(), "batch", batch,
                    "stepMs", step, "verticesMs", total));
        }
    }

    private void pruned() {
        ModelSpec spec = ModelSpec.cifar(Architecture.VGG16, 10);
        ComputationGraph original = Models.build(spec);
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), Models.inputType(spec));
        Map<String, Budget> budget = new LinkedHashMap<>();
        for (PruningGroup group : channels.groups(ResidualPolicy.COUPLED)) {
            budget.put(group.name(), new Budget.Keep(Math.max(1, (int) Math.round(keep * group.channels()))));
        }
        PruningPlan plan = PlanBuilder.plan(channels, ResidualPolicy.COUPLED,
                PlanBuilder.select(new L1Norm(), original, channels.groups(ResidualPolicy.COUPLED), budget));
        ComputationGraph pruned = Surgery.apply(original, Models.inputType(spec), plan);
        long before = CostCounter.count(original.getConfiguration(), Models.inputType(spec)).flops();
        long after = CostCounter.count(pruned.getConfiguration(), Models.inputType(spec)).flops();
        DataSet data = Throughput.batch(batch, 3, 32, 10);
        List<Throughput.Result> rates = Throughput.inferenceSideBySide(List.of(original, pruned,
                BatchNormFolding.fold(original).network(), BatchNormFolding.fold(pruned).network()), data, warmup(),
                repetitions);
        Throughput.Result full = rates.get(0);
        Throughput.Result small = rates.get(1);
        Throughput.Result fullFolded = rates.get(2);
        Throughput.Result smallFolded = rates.get(3);
        say(String.format(Locale.ROOT, "%npruned VGG16 (L1, %.0f %% of every layer's channels): FLOPs %,d -> %,d (%.2fx fewer)",
                100 * keep, before, after, (double) before / after));
        say(String.format(Locale.ROOT, "inference: %.1f -> %.1f images/s (%.2fx faster)", full.imagesPerSecond(),
                small.imagesPerSecond(), small.imagesPerSecond() / full.imagesPerSecond()));
        say(String.format(Locale.ROOT, "batch norm folded into the convolutions: %.1f -> %.1f images/s (%.2fx faster; "
                        + "folding alone %.2fx and %.2fx)", fullFolded.imagesPerSecond(), smallFolded.imagesPerSecond(),
                smallFolded.imagesPerSecond() / fullFolded.imagesPerSecond(),
                fullFolded.imagesPerSecond() / full.imagesPerSecond(), smallFolded.imagesPerSecond() / small.imagesPerSecond()));
        record("pruned", Map.of("flopsBefore", before, "flopsAfter", after, "imagesPerSecondBefore",
                full.imagesPerSecond(), "imagesPerSecondAfter", small.imagesPerSecond(),
                "foldedImagesPerSecondBefore", fullFolded.imagesPerSecond(),
                "foldedImagesPerSecondAfter", smallFolded.imagesPerSecond()));
    }

    /**
     * Parameter averaging on Spark local mode: one worker, two workers, two workers with one native thread each
     * (two tasks of two threads each oversubscribe two cores), and two workers averaging four times as rarely
     * (the difference gives the cost of one averaging round).
     */
    private void spark() throws Exception {
        Path data = Files.createTempDirectory("diversify-bench");
        String path = data.resolve("c10").toString();
        SyntheticData.write(DataFormat.CIFAR10, path, 2048, 10, 1, false);
        int cores = Runtime.getRuntime().availableProcessors();
        say(String.format("%n%-10s %14s %10s %10s %8s %8s %6s %12s", "spark", "task threads", "averaging",
                "images/s", "epoch s", "rounds", "jobs", "task busy %"));
        record Setting(int workers, int threads, int frequency) {
        }
        // task threads: the OpenMP threads of each task's oneDNN calls; the default is cores / workers
        for (Setting setting : List.of(new Setting(1, cores, 4), new Setting(2, cores, 4),
                new Setting(2, Math.max(1, cores / 2), 4), new Setting(2, Math.max(1, cores / 2), 16))) {
            SparkSession spark = SparkSessions.start("diversify bench", "local[" + setting.workers() + "]");
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            SparkActivity activity = new SparkActivity();
            spark.sparkContext().addSparkListener(activity);
            try {
                DatasetSource source = DataSourceSpec.forModels(path, DataFormat.CIFAR10).open();
                int[] all = IntStream.range(0, 2048).toArray();
                Batches batches = new Batches(batch, 10, ChannelStats.of(source.read(Split.TRAIN, 0, 256)), null);
                ComputationGraph network = Models.build(ModelSpec.cifar(Architecture.RESNET20, 10));
                List<EpochReport> epochs = new ArrayList<>();
                TrainingBlocks blocks = new TrainingBlocks(source, Split.TRAIN, all, batches, 1);
                new SparkTrainer(sc, sc.defaultParallelism(), setting.threads()).train("bench", network,
                        new TrainingSettings(SPARK_EPOCHS, 0.05, 0.9, 5e-4, List.of(), 0.1, setting.frequency()), batch,
                        blocks, null, epoch -> {
                            epochs.add(epoch);
                            if (epochs.size() == SPARK_EPOCHS - 1) {
                                activity.reset(); // count the last epoch only
                            }
                        });
                // the last epoch: the JVM has compiled, the workspaces are sized (ResNet20 here: 3 epochs of
                // 2,048 images first, 15-40 s depending on the setting, about --warmup-seconds' default)
                double seconds = epochs.get(SPARK_EPOCHS - 1).seconds();
                // the last epoch's blocks (shifted by a seeded offset, so usually one more than 2048 / block)
                int rounds = (blocks.keys(SPARK_EPOCHS - 1, batch * setting.frequency()).size() + setting.workers() - 1)
                        / setting.workers();
                say(String.format(Locale.ROOT, "local[%d]   %14d %10d %10.1f %8.1f %8d %6d %11.0f%%", setting.workers(),
                        setting.threads(), setting.frequency(), 2048 / seconds, seconds, rounds, activity.jobs(),
                        100 * activity.taskSeconds() / (seconds * setting.workers())));
                record("spark", Map.of("master", "local[" + setting.workers() + "]", "model", "resnet20",
                        "taskThreads", setting.threads(), "averagingFrequency", setting.frequency(),
                        "imagesPerSecond", 2048 / seconds));
            } finally {
                spark.stop();
            }
        }
    }

    /**
     * Jobs and task run time seen by the driver since the last reset: how much of an epoch the workers spend
     * running tasks, and how many Spark jobs its averaging rounds take.
     */
    private static final class SparkActivity extends org.apache.spark.scheduler.SparkListener {
        private final java.util.concurrent.atomic.AtomicInteger jobs = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicLong taskNanos = new java.util.concurrent.atomic.AtomicLong();

        void reset() {
            jobs.set(0);
            taskNanos.set(0);
        }

        int jobs() {
            return jobs.get();
        }

        double taskSeconds() {
            return taskNanos.get() / 1e9;
        }

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
            jobs.incrementAndGet();
        }

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
            if (taskEnd.taskMetrics() != null) {
                taskNanos.addAndGet(taskEnd.taskMetrics().executorRunTime() * 1_000_000L);
            }
        }
    }

    /**
     * Trains {@code architecture} as the pipeline does (Spark local mode on every core, parameter averaging
     * every 4 minibatches, blocks streamed from the files) and reports memory after each epoch and the
     * peak resident memory sampled every 200 ms. True when memory stayed flat: resident memory after the
     * last epoch within 10 % of its value after the first.
     */
    private boolean memory(Architecture architecture) throws Exception {
        double width = this.width == null ? 0.25 : this.width;
        String path = data;
        if (!HadoopFiles.exists(path)) {
            path = Files.createTempDirectory("diversify-bench").toString();
            SyntheticData.write(DataFormat.CIFAR10, path, images, 10, 1, false);
            say("memory: " + data + " is missing; synthetic CIFAR-10 files stand in");
        }
        DatasetSource source = DataSourceSpec.forModels(path, null).open();
        int[] train = IntStream.range(0, Math.min(images, source.count(Split.TRAIN))).toArray();
        Batches batches = new Batches(batch, source.numClasses(), ChannelStats.of(source.read(Split.TRAIN, 0, 1000)),
                Augmentation.CIFAR);
        ComputationGraph network = Models.initialise(Models.configuration(
                ModelSpec.cifar(architecture, source.numClasses()).withWidth(width), new Nesterovs(0.05, 0.9), 5e-4));
        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(MemoryUse.now().residentBytes(), Math::max);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-sampler");
        sampler.setDaemon(true);
        say(String.format(Locale.ROOT, "%nmemory: %s width %s, %d training images, batch %d, %d epochs; "
                + "max heap %d MiB, JavaCPP maxBytes %d MiB, maxPhysicalBytes %d MiB", architecture.id(), width,
                train.length, batch, epochs, Runtime.getRuntime().maxMemory() >> 20, Pointer.maxBytes() >> 20,
                Pointer.maxPhysicalBytes() >> 20));
        say(String.format("%-6s %9s %10s %14s %14s %14s", "epoch", "seconds", "images/s", "heap MiB", "off-heap MiB",
                "resident MiB"));
        SparkSession spark = SparkSessions.start("diversify bench memory");
        List<EpochReport> reports = new ArrayList<>();
        sampler.start();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            new SparkTrainer(sc).train("bench", network, new TrainingSettings(epochs, 0.05, 0.9, 5e-4, List.of(), 0.1, 4),
                    batch, new TrainingBlocks(source, Split.TRAIN, train, batches, 1), null, r -> {
                        reports.add(r);
                        double rate = train.length / r.seconds();
                        double heap = MemoryUse.mib(r.memory().heapBytes());
                        double offHeap = MemoryUse.mib(r.memory().offHeapBytes());
                        double resident = MemoryUse.mib(r.memory().residentBytes());
                        say(String.format(Locale.ROOT, "%-6d %9.1f %10.1f %14.0f %14.0f %14.0f", r.epoch(), r.seconds(),
                                rate, heap, offHeap, resident));
                        record("memory", Map.of("model", architecture.id(), "width", width, "images", train.length,
                                "batch", batch, "epoch", r.epoch(), "imagesPerSecond", rate, "heapMiB", heap,
                                "offHeapMiB", offHeap, "residentMiB", resident));
                    });
        } finally {
            sampler.interrupt();
            spark.stop();
        }
        double first = reports.get(0).memory().residentBytes();
        double last = reports.get(reports.size() - 1).memory().residentBytes();
        boolean flat = last <= 1.1 * first;
        say(String.format(Locale.ROOT, "peak resident %.0f MiB; after the last epoch %.0f MiB = %.2f x after the first: %s",
                MemoryUse.mib(peak.get()), MemoryUse.mib((long) last), last / first,
                flat ? "flat" : "GROWING (more than 1.10 x)"));
        record("memory-peak", Map.of("model", architecture.id(), "width", width, "images", train.length,
                "batch", batch, "epochs", epochs, "peakResidentMiB", MemoryUse.mib(peak.get()),
                "lastOverFirst", last / first, "flat", flat));
        return flat;
    }
}
