package dev.diversify.experiment;

import dev.diversify.experiment.Stages.Recorded;
import dev.diversify.prune.Criteria;
import dev.diversify.results.RunLayout;
import dev.diversify.train.TrainingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The stages of one experiment, in order: data, baseline; then per round (one, or {@code rounds} of the
 * iterative schedule) similarity and sweep on the diversifying rule's current network, and per method (the
 * rule first, then each comparison criterion, each on its own network) prune, then train: between rounds
 * {@code round-epochs}, after the last round the full retraining. Each stage records its typed result in a
 * marker (see {@link Stages}); a rerun skips complete stages and reads their results, so the final rows are
 * the same.
 */
final class ExperimentRun {
    /**
     * One round of pruning.
     *
     * @param number    1-based
     * @param sweep     the sweep on the diversifying rule's network of this round
     * @param pruned    each method's network pruned in this round, before training, by method id
     * @param fineTuned each method's network retrained before the next round, by method id (empty for the last)
     */
    record Round(int number, StageResults.Sweep sweep, Map<String, Recorded<StageResults.Pruned>> pruned,
                 Map<String, Recorded<StageResults.Retrained>> fineTuned) {
    }

    /**
     * Everything one experiment measured, as its tables need it.
     *
     * @param methods   the diversifying rule, then the comparison criteria, by id
     * @param rounds    the rounds, in order (one unless the schedule is iterative)
     * @param retrained each method's network after the final retraining, by method id
     */
    record Outcome(ExperimentSettings settings, StageResults.Data data, Recorded<StageResults.Baseline> baseline,
                   List<String> methods, List<Round> rounds, Map<String, Recorded<StageResults.Retrained>> retrained) {
    }

    private final StageContext ctx;
    private final Stages stages;

    ExperimentRun(ExperimentSettings settings, RunLayout layout, Stages stages, Progress progress, JavaSparkContext sc,
                  int partitions) {
        this.ctx = new StageContext(settings, layout, stages, progress, sc, partitions);
        this.stages = stages;
    }

    /** Runs (or resumes) every stage. */
    Outcome run() {
        ExperimentSettings settings = ctx.settings();
        String id = settings.id();
        StageResults.Data data = ctx.prepareData();
        Recorded<StageResults.Baseline> baseline = stages.run(id, "baseline", StageResults.Baseline.class,
                () -> BaselineStage.run(ctx));
        String diversify = PruneStage.DIVERSIFY;
        List<String> methods = new ArrayList<>(List.of(diversify));
        settings.compare().forEach(c -> methods.add(c.id()));
        Map<String, String> current = new LinkedHashMap<>(); // each method's network, by saved-model name
        methods.forEach(m -> current.put(m, BaselineStage.MODEL));
        List<Round> rounds = new ArrayList<>();
        Map<String, Recorded<StageResults.Retrained>> retrained = new LinkedHashMap<>();
        for (int r = 1; r <= settings.rounds(); r++) {
            boolean last = r == settings.rounds();
            String suffix = settings.schedule().suffix(r);
            String from = current.get(diversify);
            if (settings.rounds() > 1) {
                ctx.say("round " + r + " of " + settings.rounds());
            }
            StageResults.Similarity similarity = stages.run(id, "similarity" + suffix, StageResults.Similarity.class,
                    () -> SimilarityStage.run(ctx, from)).result();
            StageResults.Sweep sweep = sweep(r, from, similarity, baseline.result(), rounds);
            Map<String, Recorded<StageResults.Pruned>> pruned = new LinkedHashMap<>();
            Map<String, Recorded<StageResults.Retrained>> fineTuned = new LinkedHashMap<>();
            for (String method : methods) {
                String input = current.get(method);
                pruned.put(method, stages.run(id, "prune-" + method + suffix, StageResults.Pruned.class,
                        () -> method.equals(diversify) ? PruneStage.diversify(ctx, input, suffix, similarity, sweep)
                                : PruneStage.sameBudget(ctx, Criteria.fromId(method).create(settings.seed()), input,
                                suffix, pruned.get(diversify).result())));
                String prunedModel = PruneStage.prunedModel(method, suffix);
                if (last) {
                    retrained.put(method, train("retrain-" + method, prunedModel, settings.retrain(), method, true));
                } else {
                    String to = RetrainStage.fineTunedModel(method, suffix);
                    fineTuned.put(method, train("fine-tune-" + method + suffix, prunedModel,
                            settings.retrain().atConstantRate(settings.roundEpochs()), to, false));
                    current.put(method, to);
                }
            }
            rounds.add(new Round(r, sweep, pruned, fineTuned));
        }
        ctx.say("done");
        return new Outcome(settings, data, baseline, methods, rounds, retrained);
    }

    /**
     * Round {@code r}'s sweep on saved model {@code from}: its target is the round's share of the compression
     * target, counted against the baseline (ALGORITHM.md, "Iterative rounds").
     */
    private StageResults.Sweep sweep(int r, String from, StageResults.Similarity similarity,
                                     StageResults.Baseline baseline, List<Round> before) {
        ExperimentSettings settings = ctx.settings();
        SweepSettings.Target target = settings.sweep().target();
        return stages.run(ctx.id(), "sweep" + settings.schedule().suffix(r), StageResults.Sweep.class, () -> {
            double share = 0;
            if (target != null) {
                CostTotals now = before.isEmpty() ? baseline.cost()
                        : before.get(before.size() - 1).pruned().get(PruneStage.DIVERSIFY).result().cost();
                share = Decisions.roundTarget(target.fraction(), r, settings.rounds(), target.of(baseline.cost()),
                        target.of(now));
            }
            double validation = before.isEmpty() ? baseline.validationAccuracy()
                    : ctx.validationAccuracy(ctx.loadModel(from));
            try {
                return SweepStage.run(ctx, from, similarity, validation, share);
            } catch (IllegalArgumentException e) {
                throw settings.rounds() == 1 ? e : new IllegalArgumentException("round " + r + " of "
                        + settings.rounds() + " (the current network, not the baseline): " + e.getMessage(), e);
            }
        }).result();
    }

    private Recorded<StageResults.Retrained> train(String stage, String from, TrainingSettings training, String to,
                                                  boolean onnx) {
        return stages.run(ctx.id(), stage, StageResults.Retrained.class,
                () -> RetrainStage.run(ctx, stage, from, training, to, onnx));
    }
}
