package org.pibms.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pibms.TestConfigs;
import org.pibms.core.FaultId;
import org.pibms.core.Origin;
import org.pibms.core.SimulationCommand;
import org.pibms.daemon.Daemon;

/**
 * The web app in a real browser: headless Chromium loads the pages of a simulated daemon, sees
 * the cells drawn, logs in, switches the charge MOS off and sees the state change, saves a
 * setting and is refused an unsafe one. The screenshots land in target/browser-test/ (those in
 * docs/images/ are copies of them).
 *
 * <p>Skipped without /usr/bin/chromium unless {@code -Dpibms.require.chromium=true} (as .ci/run
 * sets) makes that a failure.
 */
class WebAppBrowserTest {

    private static final Path SHOTS = Path.of("target/browser-test");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @BeforeEach
    void needsChromium() {
        if (!Chromium.available()) {
            if (Boolean.getBoolean("pibms.require.chromium")) {
                fail("/usr/bin/chromium is not installed, and -Dpibms.require.chromium=true requires it");
            }
            Assumptions.abort("chromium is not installed; -Dpibms.require.chromium=true makes this a failure");
        }
    }

    @Test
    void aUserWatchesTheCellsSwitchesTheChargeMosOffAndChangesALimit() throws Exception {
        int port = WebApiTest.freePort();
        String base = "http://127.0.0.1:" + port;
        String yaml = TestConfigs.simulatedYaml(16, dir, "1", "", "web:\n  enabled: true\n  port: " + port
                + "\n  password: " + WebApiTest.PASSWORD + "\n");
        try (Daemon daemon = Daemon.start(TestConfigs.load(dir, yaml));
                Chromium browser = Chromium.launch(dir.resolve("chromium"))) {
            WebApiTest.awaitListening(base);
            // a discharge, and one cell high enough to bleed, so that the page has something to show
            daemon.commands().submit(new SimulationCommand.SetExternalCurrent(-20_000), Origin.INTERNAL);
            daemon.commands().submit(new SimulationCommand.ForceCellVoltage(5, 3480), Origin.INTERNAL);

            browser.viewport(1280, 1000, 1, false);
            browser.navigate(base + "/");
            browser.waitFor("document.querySelectorAll('#cells rect.cell').length === 16", WAIT);
            browser.waitFor("document.querySelector('#cells rect.cell.max[data-cell=\"5\"]') !== null", WAIT);
            browser.waitFor("document.getElementById('charge-mos').textContent === 'on'", WAIT);
            assertThat(browser.evaluate("document.querySelector('#cells rect.cell.min') !== null").asBoolean())
                    .as("the lowest cell is marked").isTrue();
            browser.waitFor("document.getElementById('current').textContent.includes('20')", WAIT);
            browser.screenshot(SHOTS.resolve("app-status.png"));
            String restoredLatch = browser.evaluate("faultItem({id: 'cell_deep_discharge', severity: 'protection',"
                    + " reaction: 'both', state: 'active', source: 'latched before the restart', value: null,"
                    + " threshold: 2000, unit: 'mV'}).textContent").asText();
            assertThat(restoredLatch).as("a latch from before the restart has no reading of this run")
                    .contains("latched before the restart", "trips at 2000 mV").doesNotContain("null");

            browser.viewport(390, 844, 2, true);
            browser.navigate(base + "/");
            browser.waitFor("document.querySelectorAll('#cells rect.cell').length === 16", WAIT);
            assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
                    .as("no sideways scrolling on a phone").isTrue();
            browser.screenshot(SHOTS.resolve("app-status-phone.png"));

            browser.viewport(1280, 1000, 1, false);
            browser.navigate(base + "/control");
            browser.waitFor("document.getElementById('mos-charge-off').disabled === true", WAIT);
            browser.type("#password", WebApiTest.PASSWORD);
            browser.click("#login");
            browser.waitFor("document.getElementById('mos-charge-off').disabled === false", WAIT);
            browser.click("#mos-charge-off");
            browser.waitFor("document.getElementById('answer').textContent.includes('charge')", WAIT);
            assertThat(browser.evaluate("document.getElementById('answer').className").asText()).contains("ok");
            browser.waitFor("document.getElementById('charge-mos').textContent === 'off'", WAIT);
            assertThat(daemon.snapshots().latest().chargeMos()).isFalse();
            assertThat(daemon.snapshots().latest().chargeManualOff()).isTrue();
            browser.screenshot(SHOTS.resolve("app-control.png"));

            browser.navigate(base + "/");
            browser.waitFor("document.getElementById('charge-mos').textContent === 'off'", WAIT);
            browser.waitFor("document.getElementById('discharge-mos').textContent === 'on'", WAIT);

            String delay = "protection.cell_undervoltage.delay_ms";
            String trip = "protection.cell_overvoltage.trip_mV";
            browser.navigate(base + "/settings");
            browser.waitFor("document.querySelector('[data-key=\"" + delay + "\"]') !== null", WAIT);
            browser.waitFor("document.getElementById('save').disabled === false", WAIT);
            browser.type("[data-key=\"" + delay + "\"]", "700");
            browser.click("#save");
            browser.waitFor("document.getElementById('settings-answer').textContent.includes('until the daemon"
                    + " restarts')", WAIT);
            assertThat(daemon.snapshots().latest().protection().limit(FaultId.CELL_UNDERVOLTAGE).delay_ms())
                    .isEqualTo(700);
            browser.waitFor("document.querySelector('[data-key=\"" + trip + "\"]') !== null", WAIT);
            assertThat(browser.evaluate("document.querySelector('[data-key=\"" + trip + "\"]').step").asText())
                    .as("a whole-number key takes whole numbers").isEqualTo("1");
            assertThat(browser.evaluate("document.querySelector('[data-key=\"" + trip + "\"]').parentElement"
                    + ".querySelector('.unit').textContent").asText()).isEqualTo("mV");
            assertThat(browser.evaluate("[...document.querySelector('[data-key=\"protection.cell_overvoltage.recovery"
                    + "\"]').options].map(o => o.value).join(' ')").asText()).isEqualTo("auto manual persistent");
            browser.type("[data-key=\"" + trip + "\"]", "5000");
            browser.click("#save");
            browser.waitFor("document.querySelector('[data-key=\"" + trip + "\"]').parentElement"
                    + ".querySelector('.field-error').textContent.length > 0", WAIT);
            assertThat(daemon.snapshots().latest().protection().limit(FaultId.CELL_OVERVOLTAGE).trip())
                    .as("the unsafe value was refused").isEqualTo(3650);
            browser.evaluate("document.querySelector('[data-key=\"" + trip + "\"]').scrollIntoView({block: 'center'})");
            browser.screenshot(SHOTS.resolve("app-settings.png"));

            browser.navigate(base + "/events");
            browser.waitFor("[...document.querySelectorAll('#events li.event')].some(li => li.textContent"
                    + ".includes('mos charge off from web 127.0.0.1'))", WAIT);
            browser.screenshot(SHOTS.resolve("app-events.png"));

            assertThat(browser.pageErrors()).as("no script errors").isEmpty();
        }
    }
}
