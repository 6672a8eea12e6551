package dev.diversify.experiment;

/** When selections are made (ALGORITHM.md, "Schedules"). */
public enum Schedule {
    /** Every group's selection on the original trained network; all pruned at once, then retrained. */
    ONE_SHOT,
    /** One group at a time from input to output, each selected on the current network, pruned and retrained a little. */
    LAYER_WISE
}
