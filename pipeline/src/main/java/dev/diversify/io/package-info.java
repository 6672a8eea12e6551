/**
 * Reading and atomically writing files on any Hadoop path, so every output of a run is complete
 * or absent.
 */
package dev.diversify.io;
