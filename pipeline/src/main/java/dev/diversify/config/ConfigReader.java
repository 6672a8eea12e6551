package dev.diversify.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Reads typed values from a {@link Config} while collecting every problem instead of stopping at
 * the first, so a user sees all mistakes of a config file at once. Each problem names the full
 * config path and the bad value. Call {@link #check()} after reading.
 */
public final class ConfigReader {
    private final Config config;
    private final String prefix;
    private final List<String> problems;

    public ConfigReader(Config config, String path) {
        this(config.hasPath(path) ? config.getConfig(path) : com.typesafe.config.ConfigFactory.empty(), path + ".",
                new ArrayList<>());
    }

    /** A reader of {@code config} whose problems are reported under the path {@code displayPath}. */
    public static ConfigReader of(Config config, String displayPath) {
        return new ConfigReader(config, displayPath + ".", new ArrayList<>());
    }

    /** A reader of {@code config}, shown as {@code displayPath}, reporting into this reader's problem list. */
    public ConfigReader sibling(Config config, String displayPath) {
        return new ConfigReader(config, displayPath + ".", problems);
    }

    private ConfigReader(Config config, String prefix, List<String> problems) {
        this.config = config;
        this.prefix = prefix;
        this.problems = problems;
    }

    /** A reader of the sub-tree {@code path} that reports into the same problem list. */
    public ConfigReader at(String path) {
        Config sub = config.hasPath(path) ? config.getConfig(path) : com.typesafe.config.ConfigFactory.empty();
        return new ConfigReader(sub, prefix + path + ".", problems);
    }

    public void problem(String path, String message) {
        problems.add(prefix + path + ": " + message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws {@link InvalidConfigException} listing every problem found so far, if any. */
    public void check() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
    }

    private <T> T read(String path, T fallback, Function<String, T> getter) {
        try {
            return getter.apply(path);
        } catch (ConfigException.Missing e) {
            problem(path, "missing");
        } catch (ConfigException e) {
            problem(path, e.getMessage().replaceFirst("^.*?: ", ""));
        }
        return fallback;
    }

    public String string(String path) {
        return read(path, "", config::getString);
    }

    public boolean bool(String path) {
        return read(path, false, config::getBoolean);
    }

    public long longValue(String path) {
        return read(path, 0L, config::getLong);
    }

    public int intAtLeast(String path, int min) {
        int value = read(path, min, config::getInt);
        if (value < min) {
            problem(path, "must be at least " + min + ", got " + value);
            return min; // a usable stand-in, so reading can go on and report the other problems
        }
        return value;
    }

    public double doubleIn(String path, double min, double max) {
        double value = read(path, min, config::getDouble);
        if (!(value >= min && value <= max)) {
            problem(path, "must be in [" + min + ", " + max + "], got " + value);
            return min;
        }
        return value;
    }

    public List<String> strings(String path) {
        return read(path, List.of(), config::getStringList);
    }

    /** The keys directly under {@code path}, sorted (HOCON objects have no order). */
    public List<String> keys(String path) {
        com.typesafe.config.ConfigObject object = read(path, null, config::getObject);
        return object == null ? List.of() : object.keySet().stream().sorted().toList();
    }

    public List<Double> doubles(String path) {
        return read(path, List.of(), config::getDoubleList);
    }

    /** An enum constant written in lower case with dashes ({@code one-shot} for ONE_SHOT). */
    public <E extends Enum<E>> E enumValue(String path, Class<E> type) {
        String text = read(path, null, config::getString);
        if (text == null) {
            return type.getEnumConstants()[0];
        }
        String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        problem(path, "'" + text + "' is not one of " + String.join(", ", names));
        return type.getEnumConstants()[0];
    }

    /** Runs a domain check that throws {@link IllegalArgumentException}, recording its message under {@code path}. */
    public <T> T validated(String path, java.util.function.Supplier<T> construction) {
        try {
            return construction.get();
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return null;
        }
    }
}
