/**
 * Flexibility a home delivered to the grid operator, on the slot statements (line kind {@code
 * FLEXIBILITY_DELIVERY}): the acceptances of the flexibility requests (trading-core's {@code
 * flex_*} tables), measured by the settlement's own metering against the home's baseline ({@link
 * io.peerwatt.protocol.flex.FlexDelivery}), priced at the request's price.
 */
package io.peerwatt.settlement.flex;
