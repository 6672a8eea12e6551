package dev.diversify.experiment;

import dev.diversify.train.TrainingSettings;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Trains a pruned network: the final retraining ({@code retrain}, saved as {@code <method>.zip} and, for
 * deployment, {@code <method>.onnx}), and an iterative schedule's retraining between rounds
 * ({@code round-epochs} at the retraining's initial rate, saved as {@link #fineTunedModel}). Measures the
 * result on the test split.
 */
final class RetrainStage {
    private RetrainStage() {
    }

    /** The name of {@code method}'s network retrained after the round with {@code suffix}, before the next. */
    static String fineTunedModel(String method, String suffix) {
        return method + "-fine-tuned" + suffix;
    }

    /**
     * Trains saved model {@code from} per {@code training} (validated after each epoch), saves it as {@code to}.
     *
     * @param stage the stage's name, as progress lines and the training table show it
     * @param onnx  also write {@code to} as ONNX ({@code to.onnx})
     */
    static StageResults.Retrained run(StageContext ctx, String stage, String from, TrainingSettings training,
                                      String to, boolean onnx) {
        ComputationGraph network = ctx.loadModel(from);
        ctx.say(stage + ": " + training.epochs() + " epochs");
        StageContext.Trained trained = ctx.train(stage, network, training, true);
        ctx.saveModel(trained.network(), to);
        if (onnx) {
            ctx.saveOnnx(trained.network(), to);
        }
        StageResults.Retrained result = new StageResults.Retrained(trained.history(), ctx.cost(trained.network()),
                ctx.testAccuracy(trained.network()));
        ctx.say(String.format("%s: test accuracy %.4f", stage, result.accuracy()));
        return result;
    }
}
