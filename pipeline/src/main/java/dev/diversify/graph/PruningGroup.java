package dev.diversify.graph;

import java.util.List;

/**
 * Convolutions that must lose the same output channels: one convolution, or all whose outputs are
 * added together in residual sums. Named after its first member in topological order.
 *
 * @param name     the group's name (its first member)
 * @param members  the convolutions, in topological order
 * @param channels the output channels each member has
 */
public record PruningGroup(String name, List<String> members, int channels) {
    public PruningGroup {
        members = List.copyOf(members);
    }

    public boolean coupled() {
        return members.size() > 1;
    }
}
