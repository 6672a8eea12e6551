package dev.diversify.experiment;

import dev.diversify.models.ModelFiles;
import dev.diversify.models.Models;
import dev.diversify.train.TrainingSettings;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Nesterovs;

/** The baseline: trained from the experiment's seed (or loaded from {@code baseline.model}), saved, measured. */
final class BaselineStage {
    static final String MODEL = "baseline";

    private BaselineStage() {
    }

    static StageResults.Baseline run(StageContext ctx) {
        ExperimentSettings settings = ctx.settings();
        ComputationGraph network;
        List<Epoch> history = List.of();
        if (settings.baselineModel() != null) {
            ctx.say("baseline: loading " + settings.baselineModel());
            network = ModelFiles.load(settings.baselineModel());
        } else {
            TrainingSettings training = settings.baseline();
            network = Models.initialise(Models.configuration(ctx.spec(),
                    new Nesterovs(training.learningRate(), training.momentum()), training.weightDecay()));
            ctx.say("baseline: training " + settings.architecture().id() + " for " + training.epochs() + " epochs");
            StageContext.Trained trained = ctx.train("baseline", network, training, true);
            network = trained.network();
            history = trained.history();
        }
        ctx.saveModel(network, MODEL);
        StageResults.Baseline result = new StageResults.Baseline(history, ctx.cost(network), ctx.channelsPerConv(network),
                ctx.validationAccuracy(network), ctx.testAccuracy(network));
        ctx.say(String.format("baseline: test accuracy %.4f, validation %.4f", result.accuracy(),
                result.validationAccuracy()));
        return result;
    }
}
