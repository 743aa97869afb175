/**
 * The platform's market: accounts, device enrolment, reading ingestion, order books and matching.
 */
package io.peerwatt.trading;
