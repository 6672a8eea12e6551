package dev.diversify.experiment;

import dev.diversify.backend.MemoryUse;
import dev.diversify.train.EpochReport;

/**
 * One training epoch as the {@code training} table records it. NaN where nothing was measured
 * (validation accuracy of a training without validation data).
 *
 * @param epoch              1-based
 * @param learningRate       the rate of the epoch's last update
 * @param loss               the mean training loss of the epoch
 * @param validationAccuracy top-1 on the validation split after the epoch, a fraction
 * @param seconds            wall time of the epoch, validation included
 * @param heapMib            JVM heap in use after the epoch, MiB
 * @param offHeapMib         resident memory outside the committed heap (ND4J, oneDNN, Spark), MiB
 * @param residentMib        resident set size of the driver process, MiB
 */
public record Epoch(int epoch, double learningRate, double loss, double validationAccuracy, double seconds,
                    double heapMib, double offHeapMib, double residentMib) {

    static Epoch of(EpochReport report) {
        return new Epoch(report.epoch(), report.learningRate(), report.loss(), report.validationAccuracy(),
                report.seconds(), MemoryUse.mib(report.memory().heapBytes()),
                MemoryUse.mib(report.memory().offHeapBytes()), MemoryUse.mib(report.memory().residentBytes()));
    }
}
