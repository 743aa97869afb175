/** The portal pages and their assets for prosumers, utilities and operators. */
package io.peerwatt.webui;
