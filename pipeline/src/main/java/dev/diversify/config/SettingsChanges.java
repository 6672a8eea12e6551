package dev.diversify.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What changed between two renderings of one experiment's settings (HOCON or JSON, as {@code ConfigRenderOptions}
 * writes them): a resumed run reuses completed stages, so it must run with the settings it started with.
 */
public final class SettingsChanges {
    private SettingsChanges() {
    }

    /**
     * One line per key whose value differs, sorted by key: {@code key: recorded -> now}, with {@code (unset)}
     * for a key only one side has. Empty when the settings are the same (whatever their formatting).
     *
     * @throws com.typesafe.config.ConfigException.Parse when either text is not HOCON
     */
    public static List<String> between(String recorded, String now) {
        Config before = ConfigFactory.parseString(recorded);
        Config after = ConfigFactory.parseString(now);
        TreeSet<String> keys = new TreeSet<>();
        before.entrySet().forEach(e -> keys.add(e.getKey()));
        after.entrySet().forEach(e -> keys.add(e.getKey()));
        List<String> changes = new ArrayList<>();
        for (String key : keys) {
            ConfigValue a = before.hasPath(key) ? before.getValue(key) : null;
            ConfigValue b = after.hasPath(key) ? after.getValue(key) : null;
            if (!same(a, b)) {
                changes.add(key + ": " + render(a) + " -> " + render(b));
            }
        }
        return changes;
    }

    /** Equal values; numbers by value, so that 0.5 and 0.50, or 1 and 1.0, are the same setting. */
    private static boolean same(ConfigValue a, ConfigValue b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.unwrapped() instanceof Number x && b.unwrapped() instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return java.util.Objects.equals(a.unwrapped(), b.unwrapped());
    }

    private static String render(ConfigValue value) {
        return value == null ? "(unset)" : value.render(com.typesafe.config.ConfigRenderOptions.concise());
    }
}
