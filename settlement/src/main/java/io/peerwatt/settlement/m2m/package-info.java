/**
 * The hub's side of machine-to-machine payments ({@code settlement/M2M-PAYMENTS.md}): the gateways'
 * operations ({@link io.peerwatt.settlement.m2m.GatewayChannels}) and the values they answer with,
 * refusals, the registry of gateway wallets, acknowledgements and closes, the payments gateways are
 * asked to sign, and when the pass proposes and closes hub -> seller channels.
 */
package io.peerwatt.settlement.m2m;
