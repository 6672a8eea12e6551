package dev.diversify.experiment;

import dev.diversify.config.ConfigReader;
import dev.diversify.data.DataSettings;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.Architecture;
import dev.diversify.prune.Criteria;
import dev.diversify.train.TrainingSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One experiment of a run: a model on a dataset, trained (or loaded), swept, pruned, retrained
 * and compared. Read from {@code diversify.experiments.<id>} over {@code diversify.defaults}.
 *
 * @param id             the experiment's name, used in every output
 * @param model          the model's name in every output: an architecture id, or any name for a
 *                       {@code baselineModel} that is none of them
 * @param architecture   the architecture trained for the baseline, or null when {@code model} names none (then
 *                       {@code baselineModel} is set)
 * @param width          its width multiplier
 * @param seed           seed of initialisation and of the random criterion
 * @param data           the dataset and how it is split and fed
 * @param baselineModel  a trained model to load instead of training one (any Hadoop path), or null
 * @param baseline       how the baseline is trained
 * @param sweep          the threshold grid and the accuracy budget
 * @param schedule       one-shot, layer-wise or iterative
 * @param residual       how residual channels are treated
 * @param retrain        how pruned networks are retrained
 * @param layerwiseEpochs layer-wise schedule: epochs of retraining after each group
 * @param rounds         iterative schedule: rounds of pruning (1 for the other schedules)
 * @param roundEpochs    iterative schedule: epochs of retraining between rounds, at the retraining's initial rate
 * @param compare        comparison criteria pruned to the same per-group budgets and retrained identically
 * @param renderedConfig the experiment's resolved settings (its block over the defaults) as HOCON: a resumed
 *                       run must match what the experiment started with ({@link dev.diversify.config.SettingsChanges})
 */
public record ExperimentSettings(String id, String model, Architecture architecture, double width, long seed, DataSettings data,
                                 String baselineModel, TrainingSettings baseline, SweepSettings sweep,
                                 Schedule schedule, ResidualPolicy residual, TrainingSettings retrain,
                                 int layerwiseEpochs, int rounds, int roundEpochs, List<Criteria> compare,
                                 String renderedConfig) {

    /** The same experiment reading other data. */
    public ExperimentSettings withData(DataSettings newData) {
        return new ExperimentSettings(id, model, architecture, width, seed, newData, baselineModel, baseline, sweep, schedule,
                residual, retrain, layerwiseEpochs, rounds, roundEpochs, compare, renderedConfig);
    }

    /** Reads the experiment from {@code in}; {@code rendered} is its resolved block, as HOCON. */
    static ExperimentSettings read(String id, ConfigReader in, String rendered) {
        String model = in.string("model").trim();
        String baselineModel = in.string("baseline.model");
        // a model brought in (a DL4J zip or ONNX) may be named anything; one trained here is an architecture
        boolean named = !baselineModel.isBlank() && !model.isEmpty()
                && Arrays.stream(Architecture.values()).noneMatch(a -> a.id().equalsIgnoreCase(model));
        Architecture architecture = named ? null : in.validated("model", () -> Architecture.fromId(model));
        double width = in.doubleIn("width", 1e-3, 16);
        long seed = in.longValue("seed");
        DataSettings data = DataSettings.read(in.at("data"));
        TrainingSettings baseline = TrainingSettings.read(in.at("baseline"));
        SweepSettings sweep = SweepSettings.read(in.at("sweep"));
        Schedule schedule = in.enumValue("schedule", Schedule.class);
        ResidualPolicy residual = in.enumValue("residual", ResidualPolicy.class);
        TrainingSettings retrain = TrainingSettings.read(in.at("retrain"));
        int layerwiseEpochs = in.intAtLeast("layer-wise-epochs", 0);
        int rounds = in.intAtLeast("rounds", 1);
        int roundEpochs = in.intAtLeast("round-epochs", 0);
        if (schedule == Schedule.ITERATIVE && sweep.objective() == Objective.PER_GROUP_DROP) {
            in.problem("schedule", "is iterative, which prunes towards a share of a compression target each round: "
                    + "set sweep.objective = target (or global-tau) and sweep.target.params or sweep.target.flops");
        }
        if (baselineModel.isBlank() && baseline.epochs() == 0) {
            in.problem("baseline.epochs", "is 0 and no baseline.model is given: the pipeline would prune an untrained "
                    + "network; train at least 1 epoch, or set baseline.model to a trained model");
        }
        if (data.splits().validationSize() == 0) {
            in.problem("data.validation-size", "must be at least 1: the threshold sweep measures on the validation split");
        }
        List<Criteria> compare = new ArrayList<>();
        for (String criterion : in.strings("compare")) {
            Criteria c = in.validated("compare", () -> Criteria.fromId(criterion));
            if (c == Criteria.DIVERSIFY) {
                in.problem("compare", "lists the comparison criteria (" + String.join(", ", java.util.Arrays.stream(
                        Criteria.values()).filter(k -> k != Criteria.DIVERSIFY).map(Criteria::id).toList())
                        + "); diversify always runs");
            } else if (c != null) {
                compare.add(c);
            }
        }
        return new ExperimentSettings(id, architecture == null ? model : architecture.id(),
                architecture, width, seed, data, baselineModel.isBlank() ? null : baselineModel,
                baseline, sweep, schedule, residual, retrain, layerwiseEpochs,
                schedule == Schedule.ITERATIVE ? rounds : 1, roundEpochs, compare, rendered);
    }
}
