/**
 * Bus and pin ports: what the chip drivers need from SPI, I2C and GPIO, and nothing more.
 * {@code hw.pi4j} implements them on a Raspberry Pi; the simulator's chip emulators implement
 * them in tests and in the demo, so the same drivers run in both.
 */
package org.pibms.hw;
