/**
 * Privacy-preserving zone analytics: the energy of a zone's households per interval, answered only
 * where enough households contribute and none dominates ({@link
 * io.peerwatt.settlement.analytics.ZoneAggregate}), optionally with discrete Laplace noise ({@link
 * io.peerwatt.settlement.analytics.DiscreteLaplace}) paid from a per-client privacy budget ({@link
 * io.peerwatt.settlement.analytics.PrivacyBudget}); quarter-hours are frozen at their first release
 * ({@link io.peerwatt.settlement.analytics.JdbcAnalyticsStore}) so that a later answer cannot
 * differ from an earlier one by one household.
 */
package io.peerwatt.settlement.analytics;
