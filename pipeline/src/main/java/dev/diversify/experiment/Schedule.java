package dev.diversify.experiment;

/** When selections are made (ALGORITHM.md, "Schedules" and "Iterative rounds"). */
public enum Schedule {
    /** Every group's selection on the original trained network; all pruned at once, then retrained. */
    ONE_SHOT,
    /** One group at a time from input to output, each selected on the current network, pruned and retrained a little. */
    LAYER_WISE,
    /**
     * Rounds of one-shot pruning towards a growing share of the target, each on the current network, with a
     * little retraining between rounds.
     */
    ITERATIVE;

    /**
     * What the names of round {@code round}'s stages, models and plans end with: {@code -round-<round>} for
     * {@link #ITERATIVE}, nothing for the single round of the other schedules (their names predate rounds).
     */
    String suffix(int round) {
        return this == ITERATIVE ? "-round-" + round : "";
    }
}
