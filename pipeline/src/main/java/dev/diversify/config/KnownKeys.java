package dev.diversify.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict keys: every key under {@code diversify} must be one that {@code reference.conf} defines, so a
 * typo ({@code lerning-rate}) is an error instead of a silently used default. The keys of each
 * experiment ({@code diversify.experiments.<id>}) are checked against {@code diversify.defaults}.
 */
public final class KnownKeys {
    private static final String ROOT = "diversify";
    private static final String EXPERIMENTS = ROOT + ".experiments";
    private static final String DEFAULTS = ROOT + ".defaults";

    private KnownKeys() {
    }

    /**
     * One problem per unknown key of {@code config} under {@code diversify}: its full path, where it was set
     * (file and line) and, when a defined key is within edit distance 3, the closest one (else the keys
     * known there); also one per experiment that is not an object. Keys under a known key whose reference
     * value is not an object are not checked.
     *
     * <p>The keys defined are those of the {@code reference.conf} files on the classpath, without system
     * properties ({@code ConfigFactory.defaultReference()} would count every {@code -D} key as defined).
     *
     * @param config the resolved config of a run
     * @return the problems, empty when every key is known (or {@code config} has no {@code diversify} object)
     */
    public static List<String> problems(Config config) {
        return problems(config, ConfigFactory.parseResources(KnownKeys.class.getClassLoader(), "reference.conf")
                .resolve());
    }

    static List<String> problems(Config config, Config reference) {
        List<String> problems = new ArrayList<>();
        if (config.hasPath(ROOT) && config.getValue(ROOT).valueType() == ConfigValueType.OBJECT) {
            check(config.getObject(ROOT), ROOT, ROOT, reference, problems);
        }
        return problems;
    }

    private static void check(ConfigObject object, String path, String referencePath, Config reference,
                              List<String> problems) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String key = entry.getKey();
            ConfigValue value = entry.getValue();
            String shown = path + "." + key;
            if (path.equals(EXPERIMENTS)) {
                if (value.valueType() != ConfigValueType.OBJECT) {
                    problems.add(shown + ": an experiment must be an object of settings, got " + value.valueType()
                            .name().toLowerCase() + where(value.origin()));
                } else {
                    check((ConfigObject) value, shown, DEFAULTS, reference, problems);
                }
                continue;
            }
            String referenceKey = referencePath + "." + ConfigUtil.joinPath(key);
            if (!reference.hasPathOrNull(referenceKey)) {
                problems.add(shown + ": unknown key" + where(value.origin()) + suggestion(key, siblings(reference,
                        referencePath)) + (path.equals(ROOT) ? " (values only meant for substitution belong outside "
                        + "diversify, e.g. datasets { cifar10 = ... })" : ""));
            } else if (value.valueType() == ConfigValueType.OBJECT
                    && reference.getValue(referenceKey).valueType() == ConfigValueType.OBJECT) {
                check((ConfigObject) value, shown, referenceKey, reference, problems);
            }
        }
    }

    private static Set<String> siblings(Config reference, String path) {
        return reference.hasPath(path) ? reference.getObject(path).keySet() : Set.of();
    }

    private static String where(ConfigOrigin origin) {
        if (origin == null) {
            return "";
        }
        if (origin.filename() != null) {
            return " (set in " + origin.filename() + (origin.lineNumber() > 0 ? ", line " + origin.lineNumber() : "") + ")";
        }
        return " (set in " + origin.description() + ")";
    }

    /** "; did you mean 'k'?" for the defined key within edit distance 3 that is closest, else "". */
    static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? "; known keys here: " + String.join(", ", new java.util.TreeSet<>(known))
                : "; did you mean '" + best + "'?";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
