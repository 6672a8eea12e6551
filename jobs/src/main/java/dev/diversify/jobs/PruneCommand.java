package dev.diversify.jobs;

import dev.diversify.data.ChannelStats;
import dev.diversify.data.DataFormat;
import dev.diversify.data.DatasetSource;
import dev.diversify.data.ImageShape;
import dev.diversify.data.SplitPlan;
import dev.diversify.experiment.Objective;
import dev.diversify.experiment.SweepSettings;
import dev.diversify.experiment.TargetSweep;
import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.io.HadoopFiles;
import dev.diversify.metrics.CostCounter;
import dev.diversify.metrics.ModelCost;
import dev.diversify.models.ModelFiles;
import dev.diversify.prune.Budget;
import dev.diversify.prune.DiversifyingRule;
import dev.diversify.prune.PlanBuilder;
import dev.diversify.surgery.Surgery;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify prune}: physically prunes a trained model with a plan, given or computed. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        header = "Prunes a trained model and prints its parameters and MACs before and after.",
        description = "Reads a model saved with DL4J's ModelSerializer (a ComputationGraph; a MultiLayerNetwork is "
                + "converted). The plan is read from --plan, computed with the diversifying rule from --tau and/or "
                + "--taus, or allocated to reach --target-params or --target-flops: then every group is pruned alone "
                + "at every fraction of --fractions and measured on validation images of --data (Spark tasks, local "
                + "unless under spark-submit), and one fraction per group is chosen as a run's target objective "
                + "chooses it. A computed plan is written next to the output as OUT.plan.json, so that it can be "
                + "replayed.")
final class PruneCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "IN.zip", required = true, description = "The trained model (any Hadoop path).")
    private String model;

    @Option(names = "--out", paramLabel = "OUT.zip", required = true, description = "Where to write the pruned model.")
    private String out;

    @ArgGroup(exclusive = false, multiplicity = "1")
    private PlanSource source;

    static final class PlanSource {
        @Option(names = "--plan", paramLabel = "PLAN.json", description = "A pruning plan to apply.")
        String plan;

        @Option(names = "--tau", paramLabel = "T", description = "The threshold of every prunable group not in --taus.")
        Double tau;

        @Option(names = "--taus", paramLabel = "GROUP=T[,GROUP=T...]", split = ",",
                description = "Per-group thresholds (a group is named after its first convolution).")
        Map<String, Double> taus = new LinkedHashMap<>();

        @Option(names = "--target-params", paramLabel = "F",
                description = "Remove this fraction of the trainable parameters, in (0, 1), counted exactly; needs --data.")
        Double targetParams;

        @Option(names = "--target-flops", paramLabel = "F",
                description = "Remove this fraction of the FLOPs (2 x MACs), in (0, 1), counted exactly; needs --data.")
        Double targetFlops;
    }

    @Option(names = "--data", paramLabel = "PATH",
            description = "With a target: the dataset whose training split holds the validation images (any Hadoop "
                    + "path; IDX read as a run reads it unless --pad-to or --grey say otherwise: padded to 32x32 and "
                    + "repeated to RGB).")
    private String data;

    @Mixin
    private DataLayout layout;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "With a target: the format of --data, cifar10, cifar100 or idx (default: recognised from the files).")
    private DataFormat format;

    @Option(names = "--fractions", paramLabel = "F[,F...]", split = ",",
            description = "With a target: the grid, fractions of each group's filters removed in the rule's removal "
                    + "order (default: 0.1,0.2,...,0.9).")
    private List<Double> fractions;

    @Option(names = "--objective", paramLabel = "OBJECTIVE",
            description = "With a target: 'target' (one fraction per group, the least sum of single-group accuracy "
                    + "drops) or 'global-tau' (one for every group; default: target).")
    private String objective;

    @Option(names = "--validation-size", paramLabel = "N",
            description = "With a target: validation images carved from the training split as a run carves them "
                    + "(default: 1000).")
    private Integer validationSize;

    @Mixin
    private Normalisation normalisation;

    @Option(names = "--batch-size", paramLabel = "N", description = "With a target: images per evaluation minibatch (default: 128).")
    private Integer batchSize;

    @Option(names = "--seed", paramLabel = "S", description = "With a target: the seed of the validation carve (default: 1).")
    private Long seed;

    @Option(names = "--residual", paramLabel = "POLICY", defaultValue = "coupled",
            description = "The residual policy: coupled prunes residual channels jointly, internal leaves them (default: ${DEFAULT-VALUE}).")
    private ResidualPolicy policy;

    @Option(names = "--input", paramLabel = "CxHxW", defaultValue = "3x32x32", converter = InputShape.class, description = "The input shape (default: ${DEFAULT-VALUE}, or an ONNX file's own).")
    private ImageShape input;

    private static final List<Double> DEFAULT_FRACTIONS = List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
    private static final List<String> TARGET_OPTIONS = List.of("--data", "--format", "--fractions", "--objective",
            "--validation-size", "--mean", "--std", "--batch-size", "--seed");

    @Override
    public Integer call() {
        boolean target = source.targetParams != null || source.targetFlops != null;
        long given = java.util.stream.Stream.of(source.plan != null, source.tau != null || !source.taus.isEmpty(),
                source.targetParams != null, source.targetFlops != null).filter(b -> b).count();
        if (given > 1) {
            throw new IllegalArgumentException("give one of --plan, --tau/--taus, --target-params and --target-flops");
        }
        var parsed = spec.commandLine().getParseResult();
        List<String> targetOnly = java.util.stream.Stream.concat(TARGET_OPTIONS.stream(), DataLayout.OPTIONS.stream())
                .filter(parsed::hasMatchedOption).toList();
        if (!target && !targetOnly.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", targetOnly) + " only apply with --target-params or "
                    + "--target-flops");
        }
        if (target && data == null) {
            throw new IllegalArgumentException("a target needs --data: the sweep measures accuracy on its validation "
                    + "images");
        }
        if (target && parsed.hasMatchedOption("--input")) {
            throw new IllegalArgumentException("with a target the input shape is the images' of --data: drop --input");
        }
        DatasetSource dataset = target ? layout.open(data, format) : null;
        ImageShape shape = dataset != null ? dataset.shape() : input;
        InputType.InputTypeConvolutional requested = (InputType.InputTypeConvolutional) InputType.convolutional(
                shape.height(), shape.width(), shape.channels());
        ModelFiles.Loaded loaded = ModelFiles.loadWithInput(model,
                target || parsed.hasMatchedOption("--input") ? requested : null);
        ComputationGraph original = loaded.network();
        InputType inputType = loaded.onnxInput() != null ? loaded.onnxInput() : requested;
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), inputType);
        PruningPlan plan;
        Map<String, Double> chosenTaus = Map.of();
        if (target) {
            TargetSweep.Allocated allocated = allocate(original, dataset);
            plan = allocated.plan();
            chosenTaus = allocated.taus();
        } else if (source.plan != null) {
            plan = PruningPlan.fromJson(HadoopFiles.readText(source.plan));
        } else {
            List<PruningGroup> groups = channels.groups(policy);
            Map<String, Budget> taus = new HashMap<>();
            for (PruningGroup group : groups) {
                Double tau = source.taus.getOrDefault(group.name(), source.tau);
                if (tau != null) {
                    taus.put(group.name(), new Budget.Threshold(tau));
                }
            }
            source.taus.keySet().stream().filter(name -> groups.stream().noneMatch(g -> g.name().equals(name)))
                    .findFirst().ifPresent(name -> {
                        throw new IllegalArgumentException("--taus names '" + name + "', which is not a prunable group "
                                + "under the " + policy.name().toLowerCase() + " policy; groups: "
                                + groups.stream().map(PruningGroup::name).toList());
                    });
            plan = PlanBuilder.plan(channels, policy, PlanBuilder.select(new DiversifyingRule(), original, groups, taus));
        }
        ComputationGraph pruned = Surgery.apply(original, inputType, plan);
        ModelFiles.save(pruned, out);
        if (source.plan == null) {
            HadoopFiles.writeText(out + ".plan.json", plan.toJson());
        }
        report(CostCounter.count(original.getConfiguration(), inputType),
                CostCounter.count(pruned.getConfiguration(), inputType), plan, chosenTaus);
        return 0;
    }

    /** The target's sweep and allocation on {@code network}, with a progress bar over its Spark tasks. */
    private TargetSweep.Allocated allocate(ComputationGraph network, DatasetSource dataset) {
        boolean flops = source.targetFlops != null;
        double fraction = flops ? source.targetFlops : source.targetParams;
        String option = flops ? "--target-flops" : "--target-params";
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException(option + " is a fraction in (0, 1), got " + fraction);
        }
        Objective chosen = switch (objective == null ? "target" : objective) {
            case "target" -> Objective.TARGET;
            case "global-tau" -> Objective.GLOBAL_TAU;
            default -> throw new IllegalArgumentException("--objective is target or global-tau, got '" + objective + "'");
        };
        SweepSettings sweep;
        try {
            sweep = new SweepSettings(List.of(), fractions == null ? DEFAULT_FRACTIONS : fractions, 0, chosen,
                    new SweepSettings.Target(flops, fraction));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--fractions: " + e.getMessage(), e);
        }
        int images = validationSize == null ? 1000 : validationSize;
        if (images < 1) {
            throw new IllegalArgumentException("--validation-size must be at least 1, got " + images);
        }
        int batch = batchSize == null ? 128 : batchSize;
        if (batch < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batch);
        }
        ChannelStats stats = normalisation.stats(dataset.shape().channels());
        SplitPlan split = new SplitPlan(images, 0, 0, seed == null ? 1 : seed);
        PrintWriter progress = spec.commandLine().getErr();
        return SparkSessions.with("diversify prune", spark -> {
            JobProgressBar.attach(spark.sparkContext(), progress);
            return TargetSweep.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), network, policy, sweep,
                    dataset, split, stats, batch, line -> {
                        progress.println(line);
                        progress.flush();
                    });
        });
    }

    /** Channels per pruned group (with the chosen threshold, where a sweep chose one), then the totals. */
    private void report(ModelCost before, ModelCost after, PruningPlan plan, Map<String, Double> taus) {
        PrintWriter w = spec.commandLine().getOut();
        w.printf("pruned %d group(s) of %s; wrote %s%n", plan.groups().size(), model, out);
        for (PruningPlan.Entry entry : plan.groups()) {
            Double tau = taus.get(entry.group());
            w.printf(java.util.Locale.ROOT, "  %-34s %5d -> %5d channels%s%s%n", entry.group(), entry.channels(),
                    entry.kept().length, tau == null ? "" : String.format(java.util.Locale.ROOT, "  tau %.4f", tau),
                    entry.members().size() > 1 ? "  (" + entry.members().size() + " coupled convolutions)" : "");
        }
        w.printf("  %-8s %,15d -> %,15d  (-%.2f%%)%n", "params", before.params(), after.params(),
                ModelCost.reductionPercent(before.params(), after.params()));
        w.printf("  %-8s %,15d -> %,15d  (-%.2f%%)%n", "MACs", before.macs(), after.macs(),
                ModelCost.reductionPercent(before.macs(), after.macs()));
        w.printf("  %-8s %,15d -> %,15d  (FLOPs = 2 x MACs)%n", "FLOPs", before.flops(), after.flops());
        w.flush();
    }
}
