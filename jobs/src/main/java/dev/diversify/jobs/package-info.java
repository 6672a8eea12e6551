/**
 * The entry points: the {@code diversify} command line, which runs locally through
 * {@code deploy/diversify} and on a cluster through {@code deploy/submit}.
 */
package dev.diversify.jobs;
