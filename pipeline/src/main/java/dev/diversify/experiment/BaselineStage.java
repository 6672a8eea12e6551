package dev.diversify.experiment;

import dev.diversify.data.DatasetSource;
import dev.diversify.models.ModelFiles;
import dev.diversify.models.Models;
import dev.diversify.train.InputCheck;
import dev.diversify.train.TrainingSettings;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The baseline: trained from the experiment's seed (or loaded from {@code baseline.model}, a DL4J zip or an ONNX file
 * fed the data's images and retrained as {@code retrain} says), saved, measured.
 */
final class BaselineStage {
    static final String MODEL = "baseline";

    private BaselineStage() {
    }

    /**
     * The experiment's {@code baseline.model}: an ONNX file is fed {@code source}'s images and retrained with Nesterov
     * momentum and the weight decay of {@code retrain}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read as a model, or the model does not take
     *     {@code source}'s images or has another number of outputs than it has classes
     */
    static ComputationGraph load(ExperimentSettings settings, DatasetSource source) {
        TrainingSettings retrain = settings.retrain();
        ComputationGraph network = ModelFiles.load(settings.baselineModel(), (InputType.InputTypeConvolutional)
                InputType.convolutional(source.shape().height(), source.shape().width(), source.shape().channels()),
                new Nesterovs(retrain.learningRate(), retrain.momentum()), retrain.weightDecay());
        try {
            InputCheck.requireFits(network, source);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(settings.baselineModel() + ": " + e.getMessage(), e);
        }
        return network;
    }

    static StageResults.Baseline run(StageContext ctx) {
        ExperimentSettings settings = ctx.settings();
        ComputationGraph network;
        List<Epoch> history = List.of();
        if (settings.baselineModel() != null) {
            ctx.say("baseline: loading " + settings.baselineModel());
            network = load(settings, ctx.source());
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
