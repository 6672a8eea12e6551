package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void generatesThenInspectsACifar100Directory(@TempDir Path dir) {
        String out = dir.resolve("c100").toString();
        CliRun generate = CliRun.of("data", "generate", "--format", "cifar100", "--out", out,
                "--train", "400", "--test", "100");
        assertEquals(0, generate.exitCode(), generate.err());
        CliRun inspect = CliRun.of("data", "inspect", out);
        assertEquals(0, inspect.exitCode(), inspect.err());
        assertTrue(inspect.out().contains("format       cifar100"), inspect.out());
        assertTrue(inspect.out().contains("image shape  3x32x32"), inspect.out());
        assertTrue(inspect.out().contains("train        400 images"), inspect.out());
        assertTrue(inspect.out().contains("    99  fine_99                           4          1"), inspect.out());

        CliRun coarse = CliRun.of("data", "inspect", out, "--coarse");
        assertTrue(coarse.out().contains("classes      20"), coarse.out());
        assertTrue(coarse.out().contains("    19  coarse_19                        20          5"), coarse.out());
    }

    @Test
    void badPathsAndFilesExitWithTheirNames(@TempDir Path dir) throws Exception {
        CliRun missing = CliRun.of("data", "inspect", dir.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().startsWith("inspect: data directory not found: "), missing.err());
        assertTrue(missing.err().contains("nope"), missing.err());

        String out = dir.resolve("c10").toString();
        assertEquals(0, CliRun.of("data", "generate", "--format", "cifar10", "--out", out, "--train", "50",
                "--test", "10").exitCode());
        Files.write(dir.resolve("c10/test_batch.bin"), new byte[] {1, 2, 3});
        CliRun truncated = CliRun.of("data", "inspect", out);
        assertEquals(2, truncated.exitCode());
        assertTrue(truncated.err().contains("test_batch.bin: 3 bytes is not a whole number"), truncated.err());

        CliRun again = CliRun.of("data", "generate", "--format", "idx", "--out", out);
        assertEquals(2, again.exitCode());
        assertTrue(again.err().contains("already exists"), again.err());
    }

    @Test
    void inspectsFashionMnist() {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "dataset-fashion-mnist is not installed");
        CliRun run = CliRun.of("data", "inspect", FASHION_MNIST.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("format       idx"), run.out());
        assertTrue(run.out().contains("image shape  1x28x28"), run.out());
        assertTrue(run.out().contains("train        60,000 images"), run.out());
        assertTrue(run.out().contains("test         10,000 images"), run.out());
        for (int k = 0; k < 10; k++) {
            assertTrue(run.out().contains(String.format("  %5d  %-24s %,10d %,10d", k, k, 6000, 1000)), run.out());
        }
    }
}
