package dev.diversify.experiment;

import dev.diversify.experiment.Stages.Recorded;
import dev.diversify.prune.Criteria;
import dev.diversify.results.RunLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The stages of one experiment, in order: data, baseline, similarity, sweep, then per method
 * (the diversifying rule first, then each comparison criterion) prune and retrain. Each stage
 * records its typed result in a marker (see {@link Stages}); a rerun skips complete stages and
 * reads their results, so the final rows are the same.
 */
final class ExperimentRun {
    /**
     * Everything one experiment measured, as its tables need it.
     *
     * @param methods   the diversifying rule, then the comparison criteria, by id
     * @param pruned    each method's pruned network before retraining, by method id
     * @param retrained each method's retrained network, by method id
     */
    record Outcome(ExperimentSettings settings, StageResults.Data data, Recorded<StageResults.Baseline> baseline,
                   StageResults.Sweep sweep, List<String> methods, Map<String, Recorded<StageResults.Pruned>> pruned,
                   Map<String, Recorded<StageResults.Retrained>> retrained) {
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
        StageResults.Similarity similarity = stages.run(id, "similarity", StageResults.Similarity.class,
                () -> SimilarityStage.run(ctx)).result();
        StageResults.Sweep sweep = stages.run(id, "sweep", StageResults.Sweep.class,
                () -> SweepStage.run(ctx, similarity, baseline.result().validationAccuracy())).result();

        List<String> methods = new ArrayList<>();
        Map<String, Recorded<StageResults.Pruned>> pruned = new LinkedHashMap<>();
        Map<String, Recorded<StageResults.Retrained>> retrained = new LinkedHashMap<>();
        String diversify = PruneStage.DIVERSIFY;
        methods.add(diversify);
        pruned.put(diversify, stages.run(id, "prune-" + diversify, StageResults.Pruned.class,
                () -> PruneStage.diversify(ctx, similarity, sweep)));
        retrained.put(diversify, retrain(diversify));
        for (Criteria criterion : settings.compare()) {
            String method = criterion.id();
            methods.add(method);
            pruned.put(method, stages.run(id, "prune-" + method, StageResults.Pruned.class,
                    () -> PruneStage.sameBudget(ctx, criterion.create(settings.seed()), pruned.get(diversify).result())));
            retrained.put(method, retrain(method));
        }
        ctx.say("done");
        return new Outcome(settings, data, baseline, sweep, methods, pruned, retrained);
    }

    private Recorded<StageResults.Retrained> retrain(String method) {
        return stages.run(ctx.id(), "retrain-" + method, StageResults.Retrained.class, () -> RetrainStage.run(ctx, method));
    }
}
