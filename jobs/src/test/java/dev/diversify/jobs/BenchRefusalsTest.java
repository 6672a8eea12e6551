package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bench whose numbers make no sense stops before it measures anything: exit 2, the option named. */
class BenchRefusalsTest {
    @ParameterizedTest
    @CsvSource({"--warmup-seconds, -1", "--warmup-seconds, NaN", "--warmup-seconds, Infinity", "--repetitions, 0",
            "--batch, 0"})
    void aNumberOutOfRangeIsRefusedBeforeAnyMeasurement(String option, String value) {
        CliRun run = CliRun.of("bench", "--what", "train", "--model", "resnet20", option, value);
        assertEquals(2, run.exitCode(), run.err());
        String reason = run.err().lines().findFirst().orElse(""); // the usage help follows it
        assertTrue(reason.contains(option) && reason.contains("got " + value), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(run.out().contains("images/s"), "nothing measured: " + run.out());
    }
}
