/**
 * The platform's side of statements: building them from allocations and the sources of the satoshi
 * rates they are converted with. The statement itself lives in protocol, which gateways read too.
 */
package io.peerwatt.settlement.statement;
