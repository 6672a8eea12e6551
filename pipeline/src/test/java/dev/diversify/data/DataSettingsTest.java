package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.diversify.config.ConfigReader;
import dev.diversify.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

class DataSettingsTest {
    private static DataSettings read(String overrides) {
        Config config = ConfigFactory.parseString(overrides).withFallback(ConfigFactory.defaultReference()).resolve();
        ConfigReader reader = new ConfigReader(config, "diversify.data");
        DataSettings settings = DataSettings.read(reader);
        reader.check();
        return settings;
    }

    @Test
    void readsTheDefaultsAndOverrides() {
        DataSettings defaults = read("diversify.data.path = \"hdfs://nn/cifar10\"");
        assertEquals(new DataSourceSpec("hdfs://nn/cifar10", null, false, 32, true), defaults.source());
        assertEquals(new SplitPlan(5000, 0, 0, 1), defaults.splits());
        assertNull(defaults.normalization(), "computed on the training split unless given");
        assertEquals(Augmentation.CIFAR, defaults.augmentation());
        assertEquals(128, defaults.batchSize());

        DataSettings custom = read("diversify.data { path = /d, format = cifar100, coarse-labels = true,"
                + " normalization { mean = [0.5, 0.4, 0.3], std = [0.2, 0.2, 0.2] }, augmentation.enabled = false,"
                + " train-per-class = 50, batch-size = 32 }");
        assertEquals(DataFormat.CIFAR100, custom.source().format());
        assertTrue(custom.source().coarseLabels());
        assertArrayEquals(new double[] {0.5, 0.4, 0.3}, custom.normalization().mean());
        assertNull(custom.augmentation());
        assertEquals(50, custom.splits().trainPerClass());
    }

    @Test
    void listsEveryProblemWithItsPathAndValue() {
        InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> read(
                "diversify.data { format = png, validation-size = -5, batch-size = 0,"
                        + " normalization { mean = [0.5], std = [0] }, idx.rgb = maybe }"));
        String message = error.getMessage();
        assertEquals(6, error.problems().size(), message);
        assertTrue(message.contains("diversify.data.path: must be set"), message);
        assertTrue(message.contains("diversify.data.format: unknown data format 'png'"), message);
        assertTrue(message.contains("diversify.data.validation-size: must be at least 0, got -5"), message);
        assertTrue(message.contains("diversify.data.batch-size: must be at least 1, got 0"), message);
        assertTrue(message.contains("diversify.data.normalization: channel 0 has mean 0.5 and std 0.0"), message);
        assertTrue(message.contains("diversify.data.idx.rgb:"), message);
    }
}
