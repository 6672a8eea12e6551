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

    /**
     * A reader of the sub-tree {@code path} of {@code config} (empty when absent, and a problem when it is
     * not an object), with a new problem list; problems are reported under {@code path}.
     */
    public ConfigReader(Config config, String path) {
        this(config, path, path, new ArrayList<>());
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

    /** A reader of the object at {@code path} of {@code from}, shown as {@code shown}, reporting into {@code problems}. */
    private ConfigReader(Config from, String path, String shown, List<String> problems) {
        this(objectAt(from, path, shown, problems), shown + ".", problems);
    }

    /**
     * A reader of the sub-tree {@code path} (empty when absent, and a problem when it is not an object) that
     * reports into the same problem list.
     */
    public ConfigReader at(String path) {
        return new ConfigReader(config, path, prefix + path, problems);
    }

    /** The object at {@code path} of {@code from}; empty when absent, and a problem when it is not an object. */
    private static Config objectAt(Config from, String path, String shown, List<String> problems) {
        if (!from.hasPath(path)) {
            return com.typesafe.config.ConfigFactory.empty();
        }
        com.typesafe.config.ConfigValue value = from.getValue(path);
        if (value.valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
            problems.add(shown + ": must be an object of settings, got " + value.valueType().name().toLowerCase(Locale.ROOT)
                    + " " + value.render());
            return com.typesafe.config.ConfigFactory.empty();
        }
        return from.getConfig(path);
    }

    /** Records a problem, shown as {@code <full path>: <message>}. */
    public void problem(String path, String message) {
        problems.add(prefix + path + ": " + message);
    }

    /** The problems recorded so far, in order (a copy). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Throws {@link InvalidConfigException} listing every problem found so far, if any.
     *
     * @throws InvalidConfigException when a problem was recorded
     */
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

    /** The string at {@code path}; a problem and {@code ""} when missing or of the wrong type. */
    public String string(String path) {
        return read(path, "", config::getString);
    }

    /** The boolean at {@code path}; a problem and {@code false} when missing or of the wrong type. */
    public boolean bool(String path) {
        return read(path, false, config::getBoolean);
    }

    /** The long at {@code path}; a problem and 0 when missing or not a number. */
    public long longValue(String path) {
        return read(path, 0L, config::getLong);
    }

    /** The int at {@code path}; a problem and {@code min} when missing, not an int, or below {@code min}. */
    public int intAtLeast(String path, int min) {
        int value = read(path, min, config::getInt);
        if (value < min) {
            problem(path, "must be at least " + min + ", got " + value);
            return min; // a usable stand-in, so reading can go on and report the other problems
        }
        return value;
    }

    /** The number at {@code path}; a problem and {@code min} when missing, not a number, or outside [min, max]. */
    public double doubleIn(String path, double min, double max) {
        double value = read(path, min, config::getDouble);
        if (!(value >= min && value <= max)) {
            problem(path, "must be in [" + min + ", " + max + "], got " + value);
            return min;
        }
        return value;
    }

    /**
     * A duration in HOCON's units ({@code 10 minutes}, {@code 30s}); a problem when it is shorter than {@code min}.
     */
    public java.time.Duration durationAtLeast(String path, java.time.Duration min) {
        java.time.Duration value = read(path, min, config::getDuration);
        if (value.compareTo(min) < 0) {
            problem(path, "must be at least " + min.toSeconds() + " s, got " + value.toSeconds() + " s");
            return min;
        }
        return value;
    }

    /** The list of strings at {@code path}; a problem and an empty list when missing or of another type. */
    public List<String> strings(String path) {
        return read(path, List.of(), config::getStringList);
    }

    /**
     * The keys directly under {@code path}, sorted (HOCON objects have no order); a problem and an empty
     * list when missing or not an object.
     */
    public List<String> keys(String path) {
        com.typesafe.config.ConfigObject object = read(path, null, config::getObject);
        return object == null ? List.of() : object.keySet().stream().sorted().toList();
    }

    /** The list of numbers at {@code path}; a problem and an empty list when missing or of another type. */
    public List<Double> doubles(String path) {
        return read(path, List.of(), config::getDoubleList);
    }

    /**
     * An enum constant written in lower case with dashes ({@code one-shot} for ONE_SHOT; any case, blanks
     * trimmed); a problem naming the accepted values and the first constant when missing or unknown.
     */
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

    /**
     * Runs a domain check that throws {@link IllegalArgumentException}, recording its message under
     * {@code path}.
     *
     * @return what {@code construction} returns, or null when it threw
     */
    public <T> T validated(String path, java.util.function.Supplier<T> construction) {
        try {
            return construction.get();
        } catch (IllegalArgumentException e) {
            problem(path, e.getMessage());
            return null;
        }
    }
}
