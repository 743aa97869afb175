/**
 * Flexibility on the market (issue 21): the requests a grid operator's capacity-limit events make
 * for a zone ({@link io.peerwatt.trading.flex.FlexEvents} reads them, {@link
 * io.peerwatt.trading.flex.FlexRequests} keeps them), the homes' controllable devices and binding
 * acceptances, and the signed command each acceptance sends to its gateway as a per-device OpenADR
 * event; {@link io.peerwatt.trading.flex.FlexRoutes} serves them under {@code /api/v1}.
 */
package io.peerwatt.trading.flex;
