package dev.diversify.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsChangesTest {
    private static String rendered(String hocon) {
        return ConfigFactory.parseString(hocon).root().render(ConfigRenderOptions.concise().setFormatted(true)
                .setJson(false));
    }

    @Test
    void theSameSettingsHaveNoChangesWhateverTheirFormatting() {
        String a = rendered("model = vgg16, sweep { fractions = [0.1, 0.5], target.params = 0.5 }, rounds = 2");
        String b = rendered("rounds = 2.0\nsweep.target.params = 0.50\nsweep.fractions = [0.1, 0.5]\nmodel = \"vgg16\"");
        assertEquals(List.of(), SettingsChanges.between(a, b));
    }

    @Test
    void everyChangedAddedOrRemovedKeyIsListedInOrder() {
        String a = rendered("model = vgg16, schedule = one-shot, retrain { epochs = 4 }, compare = [l1, random]");
        String b = rendered("model = vgg16, schedule = iterative, retrain { epochs = 4, learning-rate = 0.02 }, "
                + "compare = [l1]");
        assertEquals(List.of("compare: [\"l1\",\"random\"] -> [\"l1\"]", "retrain.learning-rate: (unset) -> 0.02",
                "schedule: \"one-shot\" -> \"iterative\""), SettingsChanges.between(a, b));
        assertEquals(List.of("model: \"vgg16\" -> (unset)"), SettingsChanges.between(rendered("model = vgg16"),
                rendered("")));
    }
}
