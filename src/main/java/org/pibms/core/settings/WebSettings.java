package org.pibms.core.settings;

import java.util.Optional;

/**
 * The web app ({@code web:} in the config): status, control and settings pages, their JSON API
 * and Prometheus metrics, on one HTTP port.
 *
 * @param address  the IP address to listen on (127.0.0.1 unless configured)
 * @param password what a user gives to switch, reset or change anything; without it the app only reads
 */
public record WebSettings(String address, int port, Optional<String> password) {
}
