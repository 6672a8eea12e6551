package dev.diversify.train;

import dev.diversify.backend.MemoryUse;

/**
 * One finished epoch: its learning rate, the last training loss, validation accuracy (NaN if none),
 * wall time in seconds, and the memory of the training JVM at its end (after validation).
 */
public record EpochReport(String stage, int epoch, int epochs, double learningRate, double loss,
                          double validationAccuracy, double seconds, MemoryUse memory) {
}
