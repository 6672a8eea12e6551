package dev.diversify.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {

    @Test
    void jsonListsEveryModelWithThePublishedTotals() throws Exception {
        CliRun run = CliRun.of("models", "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode models = new ObjectMapper().readTree(run.out());
        Map<String, long[]> expected = Map.of(
                "vgg16", new long[] {14_986_698, 313_463_808},
                "resnet20", new long[] {272_474, 40_813_184},
                "resnet56", new long[] {855_770, 125_747_840},
                "densenet-40-12", new long[] {1_019_722, 264_812_928},
                "densenet-bc-40-12", new long[] {176_122, 72_365_352});
        assertEquals(expected.size(), models.size());
        for (JsonNode model : models) {
            long[] counts = expected.get(model.get("model").asText());
            assertEquals(counts[0], model.get("params").asLong(), model.get("model").asText());
            assertEquals(counts[1], model.get("macs").asLong());
            assertEquals(2 * counts[1], model.get("flops").asLong());
            assertEquals(10, model.get("classes").asInt());
            long layerParams = 0;
            for (JsonNode layer : model.get("layers")) {
                layerParams += layer.get("params").asLong();
                assertTrue(layer.has("name") && layer.has("type") && layer.has("inChannels")
                        && layer.has("outChannels") && layer.has("macs"));
            }
            assertEquals(counts[0], layerParams, "the per-layer rows add up to the total");
        }
    }

    @Test
    void tableShowsOneModelAtAGivenWidthAndClassCount() {
        CliRun run = CliRun.of("models", "--model", "resnet20", "--classes", "100", "--width", "0.5");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("resnet20  (100 classes, width 0.5)"), run.out());
        assertTrue(run.out().contains("stage3_block1_shortcut_conv"), run.out());
        assertTrue(run.out().contains("output                             output        32    100"), run.out());
    }

    @Test
    void unknownCommandsOptionsAndValuesExitWithUsageErrors() {
        CliRun command = CliRun.of("shrink");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().contains("Unmatched argument at index 0: 'shrink'"), command.err());
        assertTrue(command.err().contains("Usage: diversify"), command.err());

        CliRun option = CliRun.of("models", "--depth", "3");
        assertEquals(2, option.exitCode());
        assertTrue(option.err().contains("Unknown options: '--depth'"), option.err());

        CliRun model = CliRun.of("models", "--model", "vgg19");
        assertEquals(2, model.exitCode());
        assertTrue(model.err().startsWith("models: unknown model 'vgg19'; expected one of vgg16, resnet20"),
                model.err());

        CliRun format = CliRun.of("models", "--format", "xml");
        assertEquals(2, format.exitCode());
        assertTrue(format.err().contains("xml"), format.err());

        assertEquals(2, CliRun.of().exitCode(), "no command is a usage error");
    }

    @Test
    void helpListsCommandsAndOptions() {
        CliRun top = CliRun.of("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("models"), top.out());
        CliRun models = CliRun.of("models", "--help");
        assertEquals(0, models.exitCode());
        assertTrue(models.out().contains("--width=W") && models.out().contains("--format=FORMAT"), models.out());
    }
}
