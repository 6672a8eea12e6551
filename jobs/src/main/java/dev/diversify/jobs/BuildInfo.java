package dev.diversify.jobs;

import picocli.CommandLine.IVersionProvider;

/** The version printed by {@code --version}, from the jar's manifest. */
final class BuildInfo implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Diversify.class.getPackage().getImplementationVersion();
        return new String[] {"diversify " + (version == null ? "(development build)" : version)};
    }
}
