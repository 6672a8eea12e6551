package dev.diversify.experiment;

import dev.diversify.config.ConfigReader;
import java.util.List;

/**
 * The sensitivity sweep and how its grid points are chosen. Each group is pruned alone at every grid
 * point, without retraining, and its validation-accuracy drop measured. The grid is given as cosine
 * thresholds ({@code taus}) or as fractions of each group's filters removed ({@code fractions}): both name
 * points of the rule's one removal order (ALGORITHM.md, "The removal order, and grids by fraction").
 *
 * @param taus            the threshold grid, ascending, in [0, 2]; empty when {@code fractions} is given
 * @param fractions       the fraction grid, ascending, in [0, 1); empty when {@code taus} is given
 * @param maxAccuracyDrop {@link Objective#PER_GROUP_DROP}: the allowed drop per group (a fraction: 0.01 is one point)
 * @param objective       how grid points are chosen
 * @param target          {@link Objective#TARGET} and {@link Objective#GLOBAL_TAU}: what to remove; else null
 */
public record SweepSettings(List<Double> taus, List<Double> fractions, double maxAccuracyDrop, Objective objective,
                            Target target) {

    /**
     * A compression target: the fraction of the whole network's trainable parameters, or of its MACs (and so
     * FLOPs), to remove, counted exactly on the rebuilt network.
     *
     * @param flops    false: parameters; true: FLOPs
     * @param fraction in (0, 1)
     */
    public record Target(boolean flops, double fraction) {
        public Target {
            if (!(fraction > 0 && fraction < 1)) {
                throw new IllegalArgumentException("a target is a fraction in (0, 1), got " + fraction);
            }
        }

        /** What this target counts of {@code cost}: its MACs or its trainable parameters. */
        long of(CostTotals cost) {
            return flops ? cost.macs() : cost.params();
        }

        /** {@code params 70 %}, for messages. */
        @Override
        public String toString() {
            return (flops ? "FLOPs " : "params ") + Math.round(fraction * 1000) / 10.0 + " %";
        }
    }

    /**
     * @throws IllegalArgumentException for an empty grid or both grids, values out of range, or a target that
     *     the objective needs but lacks (or does not use)
     */
    public SweepSettings {
        taus = taus.stream().sorted().distinct().toList();
        fractions = fractions.stream().sorted().distinct().toList();
        if (taus.isEmpty() && fractions.isEmpty()) {
            throw new IllegalArgumentException("the grid is empty: give taus (thresholds) or fractions (of filters "
                    + "removed)");
        }
        if (!taus.isEmpty() && !fractions.isEmpty()) {
            throw new IllegalArgumentException("give taus or fractions, not both (the defaults have taus: set "
                    + "taus = [] to sweep by fractions)");
        }
        for (double tau : taus) {
            if (!(tau >= 0 && tau <= 2)) {
                throw new IllegalArgumentException("thresholds must be in [0, 2], got " + tau);
            }
        }
        for (double fraction : fractions) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("fractions must be in [0, 1), got " + fraction);
            }
        }
        if ((objective == Objective.PER_GROUP_DROP) != (target == null)) {
            throw new IllegalArgumentException(objective == Objective.PER_GROUP_DROP
                    ? "objective per-group-drop uses max-accuracy-drop, not a target"
                    : "objective " + objective.name().toLowerCase().replace('_', '-') + " needs a target: "
                    + "target.params or target.flops");
        }
    }

    /** The grid's values: the thresholds or the fractions. */
    public List<Double> grid() {
        return taus.isEmpty() ? fractions : taus;
    }

    /** Whether the grid is given in fractions of filters removed. */
    public boolean byFraction() {
        return taus.isEmpty();
    }

    static SweepSettings read(ConfigReader in) {
        List<Double> taus = in.doubles("taus");
        List<Double> fractions = in.doubles("fractions");
        double drop = in.doubleIn("max-accuracy-drop", 0, 1);
        Objective objective = in.enumValue("objective", Objective.class);
        double params = in.doubleIn("target.params", 0, 0.999);
        double flops = in.doubleIn("target.flops", 0, 0.999);
        SweepSettings standIn = new SweepSettings(List.of(0.0), List.of(), drop, Objective.PER_GROUP_DROP, null);
        Target target = null;
        if (params > 0 && flops > 0) {
            in.problem("target", "give target.params or target.flops, not both");
            return standIn;
        }
        if (objective == Objective.PER_GROUP_DROP) {
            if (params > 0 || flops > 0) {
                in.problem("target", "is set, but objective is per-group-drop: set objective = target (or global-tau)");
            }
        } else if (params == 0 && flops == 0) {
            in.problem("target", "objective " + objective.name().toLowerCase().replace('_', '-')
                    + " needs target.params or target.flops, a fraction in (0, 1) to remove");
            return standIn;
        } else {
            target = new Target(flops > 0, flops > 0 ? flops : params);
        }
        Target chosen = target;
        SweepSettings settings = in.validated(taus.isEmpty() ? "fractions" : "taus",
                () -> new SweepSettings(taus, fractions, drop, objective, chosen));
        return settings != null ? settings : standIn;
    }
}
