/**
 * settlement's HTTP resources under {@code /api/v1}, each an {@link io.peerwatt.http.ApiResource}
 * built with the services it serves: statements, payments and channels; proof bundles, the header
 * chain and the platform key; utility reports; the gateways' device-signed API with its JSON forms.
 */
package io.peerwatt.settlement.api;
