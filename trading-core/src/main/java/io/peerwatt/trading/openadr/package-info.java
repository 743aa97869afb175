/**
 * The OpenADR 3.1.0 VTN at {@code /openadr3/3.1.0}: the published document as the contract ({@link
 * io.peerwatt.trading.openadr.VtnContract}), client credentials and tokens ({@link
 * io.peerwatt.trading.openadr.VtnClients}, {@link io.peerwatt.trading.openadr.VtnTokens}), the
 * objects under the document's privacy rules ({@link io.peerwatt.trading.openadr.VtnObjects}),
 * subscription callbacks ({@link io.peerwatt.trading.openadr.Notifications}), the VTN's routes
 * ({@link io.peerwatt.trading.openadr.VtnRoutes}) and the credentials on the platform's own API
 * ({@link io.peerwatt.trading.openadr.VtnClientRoutes}).
 */
package io.peerwatt.trading.openadr;
