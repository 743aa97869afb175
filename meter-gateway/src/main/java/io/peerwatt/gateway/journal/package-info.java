/**
 * The durable, append-only reading journal of each meter channel, and whole-file replacement that
 * survives a power cut.
 */
package io.peerwatt.gateway.journal;
