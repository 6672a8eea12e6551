package dev.diversify.train;

import dev.diversify.backend.MemoryUse;

/**
 * One finished epoch: its learning rate, its training loss, validation accuracy (NaN if none),
 * wall time in seconds, and the memory of the training JVM at its end (after validation).
 *
 * @param stage              the training stage's name (e.g. {@code baseline})
 * @param epoch              the epoch's number, 1-based
 * @param epochs             the stage's number of epochs
 * @param learningRate       the learning rate used in this epoch
 * @param loss               the training loss: the mean over the epoch's averaging rounds of the score DL4J's
 *                           Spark trainer reports after each round
 * @param validationAccuracy top-1 accuracy on the validation set, a fraction in [0, 1]; NaN without one
 * @param seconds            wall time of the epoch, validation included, in seconds
 * @param memory             the training JVM's memory at the end of the epoch, in bytes
 */
public record EpochReport(String stage, int epoch, int epochs, double learningRate, double loss,
                          double validationAccuracy, double seconds, MemoryUse memory) {
}
