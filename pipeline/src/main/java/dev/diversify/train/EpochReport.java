package dev.diversify.train;

/** One finished epoch: its learning rate, the last training loss, validation accuracy (NaN if none) and wall time. */
public record EpochReport(String stage, int epoch, int epochs, double learningRate, double loss,
                          double validationAccuracy, double seconds) {
}
