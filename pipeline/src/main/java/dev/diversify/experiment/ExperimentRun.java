package dev.diversify.experiment;

import dev.diversify.backend.MemoryUse;
import dev.diversify.data.Batches;
import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataSettings;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.SparkDatasets;
import dev.diversify.data.Split;
import dev.diversify.data.TrainingBlocks;
import dev.diversify.data.SplitPlan;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.ModelSpec;
import dev.diversify.models.Models;
import dev.diversify.prune.Criteria;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.PlanBuilder;
import dev.diversify.prune.Selection;
import dev.diversify.surgery.Surgery;
import dev.diversify.train.SparkTrainer;
import dev.diversify.train.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The stages of one experiment: data, baseline, similarity, sweep, prune, retrain, compare. Each
 * stage records its results in a marker (see {@link Stages}); a rerun skips complete stages and
 * reads their results, so the final rows are the same.
 */
final class ExperimentRun {
    static final String DIVERSIFY = "diversify";

    private final ExperimentSettings settings;
    private final RunLayout layout;
    private final Stages stages;
    private final Progress progress;
    private final JavaSparkContext sc;
    private final SparkTrainer trainer;
    private final int partitions;

    private DatasetSource source;
    private SplitPlan.Selection selection;
    private TrainingBlocks trainingData;
    private Batches evalBatches;
    private InputType input;

    ExperimentRun(ExperimentSettings settings, RunLayout layout, Stages stages, Progress progress,
                  JavaSparkContext sc, int partitions) {
        this.settings = settings;
        this.layout = layout;
        this.stages = stages;
        this.progress = progress;
        this.sc = sc;
        this.trainer = new SparkTrainer(sc);
        this.partitions = partitions > 0 ? partitions : sc.defaultParallelism();
    }

    private String id() {
        return settings.id();
    }

    /** Runs (or resumes) every stage; returns the recorded results of each, by stage name. */
    Map<String, Map<String, Object>> run() {
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        results.put("data", prepareData());
        results.put("baseline", stages.run(id(), "baseline", this::baseline));
        results.put("similarity", stages.run(id(), "similarity", this::similarity));
        results.put("sweep", stages.run(id(), "sweep", () -> sweep(results.get("similarity"),
                number(results.get("baseline"), "validationAccuracy"))));
        results.put("prune-" + DIVERSIFY, stages.run(id(), "prune-" + DIVERSIFY,
                () -> pruneDiversify(results.get("similarity"), results.get("sweep"))));
        results.put("retrain-" + DIVERSIFY, stages.run(id(), "retrain-" + DIVERSIFY, () -> retrain(DIVERSIFY)));
        for (Criteria criterion : settings.compare()) {
            String method = criterion.id();
            results.put("prune-" + method, stages.run(id(), "prune-" + method,
                    () -> pruneSameBudget(criterion, results.get("prune-" + DIVERSIFY))));
            results.put("retrain-" + method, stages.run(id(), "retrain-" + method, () -> retrain(method)));
        }
        progress.say(id(), "done");
        return results;
    }

    private Map<String, Object> prepareData() {
        DataSettings data = settings.data();
        source = data.source().open();
        input = InputType.convolutional(source.shape().height(), source.shape().width(), source.shape().channels());
        int[] trainLabels = SparkDatasets.labels(sc, source, Split.TRAIN, partitions);
        int[] testLabels = SparkDatasets.labels(sc, source, Split.TEST, partitions);
        selection = data.splits().select(trainLabels, testLabels, source.numClasses());
        Map<String, Object> recorded = stages.run(id(), "data", () -> {
            ChannelStats stats = data.normalization() != null ? data.normalization()
                    : SparkDatasets.channelStats(sc, source, Split.TRAIN, selection.train(), partitions);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("dataset", datasetName());
            r.put("format", source.format().id());
            r.put("classes", source.numClasses());
            r.put("train", selection.train().length);
            r.put("validation", selection.validation().length);
            r.put("test", selection.test().length);
            r.put("mean", stats.mean());
            r.put("std", stats.std());
            return r;
        });
        ChannelStats stats = new ChannelStats(doubles(recorded.get("mean")), doubles(recorded.get("std")));
        trainingData = new TrainingBlocks(source, Split.TRAIN, selection.train(),
                new Batches(data.batchSize(), source.numClasses(), stats, data.augmentation()), settings.seed());
        evalBatches = Batches.forEvaluation(data.batchSize(), source.numClasses(), stats);
        progress.say(id(), String.format("data: %s, %d classes, %d train / %d validation / %d test images",
                datasetName(), source.numClasses(), selection.train().length, selection.validation().length,
                selection.test().length));
        return recorded;
    }

    String datasetName() {
        String path = settings.data().source().path().replaceAll("/+$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private JavaRDD<DataSet> evaluation(Split split, int[] indices) {
        return SparkDatasets.minibatches(sc, source, split, indices, evalBatches, 0, partitions);
    }

    private double testAccuracy(ComputationGraph network) {
        return trainer.accuracy(network, evaluation(Split.TEST, selection.test()));
    }

    private double validationAccuracy(ComputationGraph network) {
        return trainer.accuracy(network, evaluation(Split.TRAIN, selection.validation()));
    }

    private ModelSpec spec() {
        return new ModelSpec(settings.architecture(), source.numClasses(), source.shape().channels(),
                source.shape().height(), source.shape().width(), settings.width(), settings.seed());
    }

    /** Trains {@code network} per {@code training}; the epoch history goes into {@code results}. */
    private ComputationGraph train(String stage, ComputationGraph network, TrainingSettings training,
                                   Map<String, Object> results) {
        List<List<Double>> history = new ArrayList<>();
        long start = System.nanoTime();
        ComputationGraph trained = trainer.train(stage, network, training, settings.data().batchSize(),
                trainingData, evaluation(Split.TRAIN, selection.validation()), report -> {
                    history.add(List.of((double) report.epoch(), report.learningRate(), report.loss(),
                            report.validationAccuracy(), report.seconds(), MemoryUse.mib(report.memory().heapBytes()),
                            MemoryUse.mib(report.memory().offHeapBytes()),
                            MemoryUse.mib(report.memory().residentBytes())));
                    progress.epoch(id(), report, (System.nanoTime() - start) / 1e9);
                });
        results.put("history", history);
        return trained;
    }

    private Map<String, Object> baseline() {
        Map<String, Object> r = new LinkedHashMap<>();
        ComputationGraph network;
        if (settings.baselineModel() != null) {
            progress.say(id(), "baseline: loading " + settings.baselineModel());
            network = ModelFiles.load(settings.baselineModel());
        } else {
            TrainingSettings training = settings.baseline();
            network = Models.initialise(Models.configuration(spec(),
                    new Nesterovs(training.learningRate(), training.momentum()), training.weightDecay()));
            progress.say(id(), "baseline: training " + settings.architecture().id() + " for " + training.epochs() + " epochs");
            network = train("baseline", network, training, r);
        }
        ModelFiles.save(network, layout.model(id(), "baseline"));
        r.putAll(costs(network));
        r.put("channels", channelsPerConv(network));
        r.put("validationAccuracy", validationAccuracy(network));
        r.put("accuracy", testAccuracy(network));
        progress.say(id(), String.format("baseline: test accuracy %.4f, validation %.4f", number(r, "accuracy"),
                number(r, "validationAccuracy")));
        return r;
    }

    private Map<String, Object> costs(ComputationGraph network) {
        ModelCost cost = CostCounter.count(network.getConfiguration(), input);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("params", cost.params());
        r.put("bnStatistics", cost.bnStatistics());
        r.put("macs", cost.macs());
        return r;
    }

    private ComputationGraph loadModel(String name) {
        return ModelFiles.load(layout.model(id(), name));
    }

    private List<PruningGroup> groups(ComputationGraph network) {
        return ChannelGraph.of(network.getConfiguration(), input).groups(settings.residual());
    }

    private Map<String, Object> similarity() {
        ComputationGraph baseline = loadModel("baseline");
        List<PruningGroup> groups = groups(baseline);
        progress.say(id(), "similarity: " + groups.size() + " groups x " + settings.sweep().taus().size() + " thresholds");
        Broadcast<byte[]> model = sc.broadcast(SweepTasks.serialise(baseline));
        Map<String, Object> byGroup = new LinkedHashMap<>();
        for (SweepTasks.GroupSelections g : SweepTasks.selections(sc, model, input, settings.residual(), groups,
                settings.sweep().taus())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("channels", g.channels);
            entry.put("taus", g.taus);
            entry.put("kept", g.kept);
            byGroup.put(g.group, entry);
        }
        model.destroy();
        return Map.of("groups", byGroup);
    }

    private Map<String, Object> sweep(Map<String, Object> similarity, double baselineValidation) {
        Map<String, Map<String, Object>> groups = groupsOf(similarity);
        Map<String, SweepTasks.Cell> unique = new LinkedHashMap<>(); // one cell per distinct (group, kept set)
        groups.forEach((group, entry) -> {
            int channels = (int) number(entry, "channels");
            for (int[] kept : intMatrix(entry.get("kept"))) {
                if (kept.length < channels) {
                    unique.computeIfAbsent(cellKey(group, kept), k -> {
                        SweepTasks.Cell cell = new SweepTasks.Cell();
                        cell.group = group;
                        cell.kept = kept;
                        return cell;
                    });
                }
            }
        });
        List<SweepTasks.Cell> cells = new ArrayList<>(unique.values());
        progress.say(id(), "sweep: " + cells.size() + " cells that remove filters, as Spark tasks");
        Broadcast<byte[]> model = sc.broadcast(SweepTasks.serialise(loadModel("baseline")));
        Map<String, Double> measured = new LinkedHashMap<>();
        for (SweepTasks.Cell cell : SweepTasks.sweep(sc, model, input, settings.residual(), cells, source,
                selection.validation(), evalBatches)) {
            measured.put(cellKey(cell.group, cell.kept), cell.accuracy);
        }
        model.destroy();

        List<List<Object>> rows = new ArrayList<>();
        Map<String, Object> chosen = new LinkedHashMap<>();
        double budget = settings.sweep().maxAccuracyDrop();
        groups.forEach((group, entry) -> {
            int channels = (int) number(entry, "channels");
            double[] taus = doubles(entry.get("taus"));
            int[][] kept = intMatrix(entry.get("kept"));
            Double best = null;
            for (int t = 0; t < taus.length; t++) {
                double accuracy = kept[t].length < channels
                        ? measured.get(cellKey(group, kept[t])) : baselineValidation;
                rows.add(List.of(group, taus[t], channels, kept[t].length, accuracy));
                if (baselineValidation - accuracy <= budget + 1e-12) {
                    best = taus[t];
                }
            }
            if (best != null) {
                chosen.put(group, best);
            }
        });
        progress.say(id(), "sweep: thresholds chosen for " + chosen.size() + " of " + groups.size() + " groups");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("baselineValidation", baselineValidation);
        r.put("cells", rows);
        r.put("chosen", chosen);
        return r;
    }

    /** Sweep cells are told apart by group and kept set: thresholds that keep the same filters share one. */
    private static String cellKey(String group, int[] kept) {
        return group + java.util.Arrays.toString(kept);
    }

    private Map<String, Object> pruneDiversify(Map<String, Object> similarity, Map<String, Object> sweep) {
        @SuppressWarnings("unchecked")
        Map<String, Object> chosen = (Map<String, Object>) sweep.get("chosen");
        ComputationGraph network = loadModel("baseline");
        PruningPlan plan;
        if (settings.schedule() == Schedule.ONE_SHOT) {
            Map<String, int[]> kept = new LinkedHashMap<>();
            groupsOf(similarity).forEach((group, entry) -> {
                if (chosen.containsKey(group)) {
                    double[] taus = doubles(entry.get("taus"));
                    int t = java.util.Arrays.binarySearch(taus, number(chosen, group));
                    kept.put(group, intMatrix(entry.get("kept"))[t]);
                }
            });
            plan = PruningPlan.of(ChannelGraph.of(network.getConfiguration(), input), settings.residual(), kept);
            network = Surgery.apply(network, input, plan);
        } else {
            network = layerWise(network, chosen);
            plan = null;
        }
        return savePruned(DIVERSIFY, network, plan);
    }

    /** Layer-wise: group by group from input to output, selected on the current network, pruned, retrained a little. */
    private ComputationGraph layerWise(ComputationGraph network, Map<String, Object> chosen) {
        List<String> order = groups(network).stream().map(PruningGroup::name).filter(chosen::containsKey).toList();
        TrainingSettings brief = new TrainingSettings(settings.layerwiseEpochs(), settings.retrain().learningRate(),
                settings.retrain().momentum(), settings.retrain().weightDecay(), List.of(), 1.0,
                settings.retrain().averagingFrequency());
        for (String name : order) {
            ChannelGraph channels = ChannelGraph.of(network.getConfiguration(), input);
            PruningGroup group = channels.group(settings.residual(), name);
            Selection s = DiversifyingRule.select(PlanBuilder.filters(network, group), number(chosen, name));
            network = Surgery.apply(network, input,
                    PruningPlan.of(channels, settings.residual(), Map.of(name, s.kept())));
            progress.say(id(), "layer-wise: " + name + " " + group.channels() + " -> " + s.keptCount() + " channels");
            if (brief.epochs() > 0) {
                network = trainer.train("layer-wise " + name, network, brief, settings.data().batchSize(),
                        trainingData, null, report -> progress.epoch(id(), report, report.seconds()));
            }
        }
        return network;
    }

    private Map<String, Object> savePruned(String method, ComputationGraph pruned, PruningPlan plan) {
        ModelFiles.save(pruned, layout.model(id(), method + "-pruned"));
        if (plan != null) {
            HadoopFiles.writeText(layout.plan(id(), method), plan.toJson());
        }
        Map<String, Object> r = costs(pruned);
        r.put("channels", channelsPerConv(pruned));
        r.put("accuracy", testAccuracy(pruned));
        progress.say(id(), String.format("%s: pruned to %,d params, test accuracy before retraining %.4f", method,
                ((Number) r.get("params")).longValue(), number(r, "accuracy")));
        return r;
    }

    /** Output channels of every convolution, by name. */
    private Map<String, Object> channelsPerConv(ComputationGraph network) {
        Map<String, Object> channels = new LinkedHashMap<>();
        CostCounter.count(network.getConfiguration(), input).layers().stream()
                .filter(l -> l.type().equals("conv"))
                .forEach(l -> channels.put(l.name(), l.outChannels()));
        return channels;
    }

    /** The comparison: {@code criterion} keeps as many channels per group as the diversifying rule did. */
    private Map<String, Object> pruneSameBudget(Criteria criterion, Map<String, Object> diversified) {
        ComputationGraph baseline = loadModel("baseline");
        ChannelGraph channels = ChannelGraph.of(baseline.getConfiguration(), input);
        @SuppressWarnings("unchecked")
        Map<String, Object> keptChannels = (Map<String, Object>) diversified.get("channels");
        List<PruningGroup> groups = channels.groups(settings.residual());
        Map<String, Integer> budget = new LinkedHashMap<>();
        for (PruningGroup group : groups) {
            int kept = ((Number) keptChannels.get(group.name())).intValue();
            if (kept < group.channels()) {
                budget.put(group.name(), kept);
            }
        }
        Map<String, Selection> selections = PlanBuilder.sameBudget(criterion, baseline, groups, budget,
                settings.seed());
        PruningPlan plan = PlanBuilder.plan(channels, settings.residual(), selections);
        return savePruned(criterion.id(), Surgery.apply(baseline, input, plan), plan);
    }

    private Map<String, Object> retrain(String method) {
        Map<String, Object> r = new LinkedHashMap<>();
        ComputationGraph network = loadModel(method + "-pruned");
        progress.say(id(), "retrain " + method + ": " + settings.retrain().epochs() + " epochs");
        network = train("retrain " + method, network, settings.retrain(), r);
        ModelFiles.save(network, layout.model(id(), method));
        r.putAll(costs(network));
        r.put("accuracy", testAccuracy(network));
        progress.say(id(), String.format("retrain %s: test accuracy %.4f", method, number(r, "accuracy")));
        return r;
    }

    // Marker values come back from JSON as Numbers and Lists.

    static double number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? Double.NaN : ((Number) value).doubleValue();
    }

    static double[] doubles(Object list) {
        if (list instanceof double[] array) {
            return array;
        }
        return ((List<?>) list).stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    static int[][] intMatrix(Object rows) {
        if (rows instanceof int[][] array) {
            return array;
        }
        return ((List<?>) rows).stream()
                .map(row -> ((List<?>) row).stream().mapToInt(v -> ((Number) v).intValue()).toArray())
                .toArray(int[][]::new);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> groupsOf(Map<String, Object> similarity) {
        return (Map<String, Map<String, Object>>) similarity.get("groups");
    }
}
