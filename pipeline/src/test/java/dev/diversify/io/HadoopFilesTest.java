package dev.diversify.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFilesTest {
    @TempDir
    Path run;

    private Path file(String relative) throws Exception {
        Path path = run.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, "x");
    }

    /** What a driver killed in the middle of each kind of write leaves behind, and what it must not touch. */
    @Test
    void removesWhatEveryKindOfInterruptedWriteLeavesAndNothingElse() throws Exception {
        List<Path> leftovers = List.of(
                file("sweep/.experiment=vgg.incomplete-123/_temporary/0/_temporary/attempt_1/part-0.parquet"),
                file("metrics/.experiment=vgg.incomplete-9/part-0.parquet"),
                file("models/vgg/.baseline.zip.incomplete-77"),
                file("models/vgg/.diversify.plan.json.incomplete-78"),
                file("_stages/vgg/.sweep.json.incomplete-5"),
                file(".summary.md.incomplete-6"),
                file(".report.html.incomplete-7"));
        List<Path> kept = List.of(
                file("sweep/experiment=vgg/part-0.parquet"),
                file("models/vgg/baseline.zip"),
                file("_stages/vgg/sweep.json"),
                file("summary.md"),
                file("models/vgg/.hidden-but-not-staging"),
                file("models/vgg/.x.incomplete-abc"));
        List<String> removed = HadoopFiles.removeStaging(run.toString());
        assertEquals(leftovers.size(), removed.size(), removed.toString());
        for (Path leftover : leftovers) {
            Path top = leftover;
            while (!top.getFileName().toString().contains(".incomplete-")) {
                top = top.getParent();
            }
            assertFalse(Files.exists(top), top + " is left");
        }
        kept.forEach(path -> assertTrue(Files.exists(path), path + " was removed"));
        assertEquals(List.of(), HadoopFiles.removeStaging(run.resolve("absent").toString()));
    }

    @Test
    void writesGoThroughTheStagingNameThatCleaningRecognises() {
        org.apache.hadoop.fs.Path staged = HadoopFiles.staging(new org.apache.hadoop.fs.Path(run.toString(), "summary.md"));
        assertTrue(staged.getName().matches("\\.summary\\.md\\.incomplete-\\d+"), staged.getName());
    }
}
