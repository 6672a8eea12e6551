package dev.diversify.graph;

import java.util.List;

/**
 * Convolutions that must lose the same output channels: one convolution, or all whose outputs are
 * added together in residual sums (ALGORITHM.md, "Coupled channels (residual additions)"). Named after
 * its first member in topological order.
 *
 * @param name     the group's name (its first member)
 * @param members  the convolutions, in topological order (copied, unmodifiable)
 * @param channels the output channels each member has (N, before pruning)
 */
public record PruningGroup(String name, List<String> members, int channels) {
    public PruningGroup {
        members = List.copyOf(members);
    }

    /** Whether the group has more than one member (its channels are tied by residual sums). */
    public boolean coupled() {
        return members.size() > 1;
    }
}
