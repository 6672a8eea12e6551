package dev.diversify.jobs;

import dev.diversify.data.ImageShape;
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
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code diversify prune}: physically prunes a trained model with a plan, given or computed. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        header = "Prunes a trained model and prints its parameters and MACs before and after.",
        description = "Reads a model saved with DL4J's ModelSerializer (a ComputationGraph; a MultiLayerNetwork is "
                + "converted). The plan is read from --plan, or computed with the diversifying rule from --tau "
                + "and/or --taus; a computed plan is written next to the output as OUT.plan.json, so that it can "
                + "be replayed.")
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
    }

    @Option(names = "--residual", paramLabel = "POLICY", defaultValue = "coupled",
            description = "The residual policy: coupled prunes residual channels jointly, internal leaves them (default: ${DEFAULT-VALUE}).")
    private ResidualPolicy policy;

    @Option(names = "--input", paramLabel = "CxHxW", defaultValue = "3x32x32", converter = InputShape.class, description = "The input shape (default: ${DEFAULT-VALUE}).")
    private ImageShape input;

    @Override
    public Integer call() {
        InputType inputType = InputType.convolutional(input.height(), input.width(), input.channels());
        ComputationGraph original = ModelFiles.load(model);
        ChannelGraph channels = ChannelGraph.of(original.getConfiguration(), inputType);
        PruningPlan plan;
        boolean computed = source.plan == null;
        if (!computed) {
            if (source.tau != null || !source.taus.isEmpty()) {
                throw new IllegalArgumentException("give either --plan or --tau/--taus, not both");
            }
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
        if (computed) {
            HadoopFiles.writeText(out + ".plan.json", plan.toJson());
        }
        report(CostCounter.count(original.getConfiguration(), inputType),
                CostCounter.count(pruned.getConfiguration(), inputType), plan);
        return 0;
    }

    private void report(ModelCost before, ModelCost after, PruningPlan plan) {
        PrintWriter w = spec.commandLine().getOut();
        w.printf("pruned %d group(s) of %s; wrote %s%n", plan.groups().size(), model, out);
        for (PruningPlan.Entry entry : plan.groups()) {
            w.printf("  %-34s %5d -> %5d channels%s%n", entry.group(), entry.channels(), entry.kept().length,
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
