package dev.diversify.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The git revision the code was built from (recorded with every result), e.g. {@code 1a2b3c4} or {@code 1a2b3c4-dirty}. */
public final class CodeRevision {
    private static final String VALUE = load();

    private CodeRevision() {
    }

    /**
     * The abbreviated commit id from the {@code /diversify-git.properties} resource, with {@code -dirty}
     * when the tree had uncommitted changes; {@code unknown} when the resource is missing or unreadable.
     */
    public static String get() {
        return VALUE;
    }

    private static String load() {
        try (InputStream in = CodeRevision.class.getResourceAsStream("/diversify-git.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String id = p.getProperty("git.commit.id.abbrev", "unknown");
            return "true".equals(p.getProperty("git.dirty")) ? id + "-dirty" : id;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
