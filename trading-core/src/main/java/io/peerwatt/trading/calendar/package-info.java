/**
 * The market calendar: delivery slots as UTC ISO 8601 intervals, zone configuration, book opening
 * (D-1), gate closure and the state of a slot at an instant. Pure logic: the caller supplies every
 * instant.
 */
package io.peerwatt.trading.calendar;
