package dev.diversify.experiment;

import org.deeplearning4j.nn.graph.ComputationGraph;

/** Retrains one method's pruned network per {@code retrain}, saves it as {@code <method>.zip}, measures it. */
final class RetrainStage {
    private RetrainStage() {
    }

    static StageResults.Retrained run(StageContext ctx, String method) {
        ComputationGraph network = ctx.loadModel(PruneStage.prunedModel(method));
        ctx.say("retrain " + method + ": " + ctx.settings().retrain().epochs() + " epochs");
        StageContext.Trained trained = ctx.train("retrain " + method, network, ctx.settings().retrain(), true);
        ctx.saveModel(trained.network(), method);
        StageResults.Retrained result = new StageResults.Retrained(trained.history(), ctx.cost(trained.network()),
                ctx.testAccuracy(trained.network()));
        ctx.say(String.format("retrain %s: test accuracy %.4f", method, result.accuracy()));
        return result;
    }
}
