/**
 * The platform's signed flexibility command (format "PWF1"): what a home gateway acts on when its
 * owner accepted a flexibility request. It travels inside an OpenADR 3 event as the {@code
 * X_PEERWATT_SIGNED_COMMAND} payload; the gateway acts only when the platform key's signature over
 * {@link io.peerwatt.protocol.flex.FlexCommand#digest()} verifies.
 */
package io.peerwatt.protocol.flex;
