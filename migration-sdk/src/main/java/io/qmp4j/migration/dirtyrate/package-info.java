/**
 * Dirty-rate measurement ({@code calc-dirty-rate}) and a pre-copy convergence model that
 * predicts, from the measured rate, whether and how a migration will converge.
 */
package io.qmp4j.migration.dirtyrate;
