/**
 * The gateway as a light client: a block-header chain checked by proof of work from a configured
 * checkpoint ({@link io.peerwatt.gateway.lightclient.HeaderTrack}), and the audit of a sample of
 * the gateway's own readings against their anchors ({@link
 * io.peerwatt.gateway.lightclient.LightClient}).
 */
package io.peerwatt.gateway.lightclient;
